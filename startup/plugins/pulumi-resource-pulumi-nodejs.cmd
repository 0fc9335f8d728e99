@echo off
rem The `pulumi-nodejs` provider plugin on Windows, where the CLI looks for a .cmd: see pulumi-resource-pulumi-nodejs.
node "%~dp0..\dynamicProvider.js" %*
