// Package assets holds the files StableNew ships inside its binary: the app
// icon and the sample prompt packs, presets and wildcard files that every
// data folder offers, even an empty one.
//
// The package imports nothing of StableNew's; pipeline/packs reads the
// samples through Samples.
package assets

import "embed"

//go:generate go run ./tools/genicon -o icon.png

// Samples holds the sample data with the same layout as a data folder:
// packs/ (prompt packs and their .yaml sidecars), presets/ and wildcards/
// are its top folders.
//
//go:embed packs presets wildcards
var Samples embed.FS

// Icon is the 256×256 PNG app icon (drawn by tools/genicon).
//
//go:embed icon.png
var Icon []byte
