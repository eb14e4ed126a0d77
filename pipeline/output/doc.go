// Package output turns rendered images into files: it names them from
// templates, writes them atomically without ever overwriting an existing
// file, stores and reads PNG text chunks and JPEG/WebP EXIF UserComments,
// converts between image formats, and writes the per-job manifest and the
// "stablenew" PNG chunk.
//
// It imports nothing else from StableNew (the standard library only), so any
// pipeline package, and pipeline/infotext in particular, may import it.
//
// # Naming rules
//
// Every path component produced by a Template is a portable file name:
// path separators, the characters <>:"|?* and control characters become "_",
// runs of dots ("..") become "_", leading dots and spaces and trailing dots
// and spaces are removed, Windows device names (CON, NUL, COM1, …) get a "_"
// prefix, an empty component becomes "_", and a component is capped at
// MaxComponentBytes bytes, cut on a rune boundary. The cap is a naming rule:
// the full values stay in the PNG chunks and the manifest.
package output
