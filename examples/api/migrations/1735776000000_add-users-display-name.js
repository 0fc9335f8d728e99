/**
 * An expand step: a nullable column with no default, so the previous release (which never reads it) keeps working
 * against the new schema, and a rollback of the app needs no rollback of the database.
 */
"use strict";

function up(pgm) {
    pgm.addColumn("users", { display_name: { type: "text" } });
}

function down(pgm) {
    pgm.dropColumn("users", "display_name");
}

module.exports = { up, down };
