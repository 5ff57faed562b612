// Package migrations holds the database schema as numbered SQL files, applied in
// order at start by internal/store.
package migrations

import "embed"

// FS holds the migration files, named NNNN_description.sql.
//
//go:embed *.sql postgres/*.sql
var FS embed.FS
