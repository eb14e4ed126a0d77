package gui

import (
	"strings"

	"stablenew/pipeline/webui"
)

// checkpointResolver is the infotext.Options.Checkpoint of the GUI: it turns
// checkpoint names read from an image into the WebUI's checkpoint titles
// (res may be nil: names stay as written).
func checkpointResolver(res *webui.Resources) func(name, hash string) string {
	return func(name, hash string) string { return checkpointTitle(res, name, hash) }
}

// checkpointTitle finds the WebUI's checkpoint title for an infotext model
// name ("sd_xl_base_1.0") or title and hash; without a match it keeps the
// name as written.
func checkpointTitle(res *webui.Resources, name, hash string) string {
	bare := name
	if i := strings.LastIndex(bare, " ["); i > 0 && strings.HasSuffix(bare, "]") {
		if hash == "" {
			hash = bare[i+2 : len(bare)-1]
		}
		bare = bare[:i]
	}
	if res != nil {
		for _, m := range res.Checkpoints {
			if hash != "" && (strings.EqualFold(m.Hash, hash) || strings.HasPrefix(strings.ToLower(m.SHA256), strings.ToLower(hash))) {
				return m.Title
			}
		}
		for _, m := range res.Checkpoints {
			if bare != "" && (m.ModelName == bare || m.Title == name || modelName(m.Title) == modelName(bare)) {
				return m.Title
			}
		}
	}
	return name
}
