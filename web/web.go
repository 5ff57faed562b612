// Package web holds the panel's static files, embedded in the binary.
package web

import "embed"

// Static holds static/app.css and static/app.js, served under /static/.
//
//go:embed static
var Static embed.FS
