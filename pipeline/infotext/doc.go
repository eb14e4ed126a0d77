// Package infotext reads the AUTOMATIC1111 "infotext": the
// generation parameters the WebUI stores in a PNG "parameters" chunk or a
// JPEG/WebP EXIF UserComment:
//
//	a portrait, detailed
//	Negative prompt: blurry
//	Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, Seed: 12345, Size: 512x768, …
//
// Parse reads it the way A1111 does, and never fails on content: damaged
// values are kept as written and reported in Parameters.Warnings (the
// tests' formatter writes it back in A1111's key order, and Parse gives back
// the same values). ReadFile reads an image file's infotext and StableNew
// chunk.
//
// The ordered key/value pairs are the source of truth; the typed accessors
// (Steps, Size, Hires, ADetailer, LoraHashes, …) read them on demand, and
// Set, SetInt, SetFloat and Delete change them.
package infotext
