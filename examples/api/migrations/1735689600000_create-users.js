/** The first table: users, identified by the JWT subject. */
"use strict";

function up(pgm) {
    pgm.createTable("users", {
        id: "id",
        subject: { type: "text", notNull: true, unique: true },
        created_at: { type: "timestamptz", notNull: true, default: pgm.func("now()") },
    });
}

function down(pgm) {
    pgm.dropTable("users");
}

module.exports = { up, down };
