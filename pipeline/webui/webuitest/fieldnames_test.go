package webuitest

// The accepted keys of each endpoint, for the tests that check them.

// Txt2ImgFields returns the keys the fake accepts on txt2img.
func Txt2ImgFields() []string { return names(txt2imgSpec) }

// Img2ImgFields returns the keys the fake accepts on img2img.
func Img2ImgFields() []string { return names(img2imgSpec) }

// ExtrasFields returns the keys the fake accepts on extra-single-image.
func ExtrasFields() []string { return names(extrasFields) }

func names(spec []fieldSpec) []string {
	out := make([]string, len(spec))
	for i, f := range spec {
		out[i] = f.name
	}
	return out
}
