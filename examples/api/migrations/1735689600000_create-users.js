/** The first table: users, identified by the JWT subject. */
"use strict";

exports.up = (pgm) => {
    pgm.createTable("users", {
        id: "id",
        subject: { type: "text", notNull: true, unique: true },
        created_at: { type: "timestamptz", notNull: true, default: pgm.func("now()") },
    });
};

exports.down = (pgm) => {
    pgm.dropTable("users");
};
