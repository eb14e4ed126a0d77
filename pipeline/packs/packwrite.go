package packs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// SavePack writes rows as the user's pack id (id.txt in the packs folder;
// an existing id.tsv keeps its format). The file round-trips through
// ParsePack: a row that can't be written unchanged (a prompt line starting
// with # or neg:, an empty prompt) is an error. Without overwrite, an
// existing pack with that id, or a sample it would shadow, is an error.
// A sidecar beside the pack is kept.
func (l *Library) SavePack(id string, rows []PromptRow, overwrite bool) error {
	if err := checkID(id); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	base, err := l.packTarget(id, overwrite)
	if err != nil {
		return err
	}
	data, err := FormatPack(rows, packExt(base))
	if err != nil {
		return fmt.Errorf("pack %q: %w", id, err)
	}
	return output.WriteFileAtomic(filepath.Join(l.PacksDir(), base), data)
}

// packTarget returns the file name a save of pack id writes in the packs
// folder (id.txt, or an existing id.tsv), refusing, without overwrite, an
// existing pack or a sample's id. l.mu is held.
func (l *Library) packTarget(id string, overwrite bool) (string, error) {
	user := l.userPacks()
	var existing []string
	for _, ext := range []string{extTxt, extTSV} {
		if user.isFile(id + ext) {
			existing = append(existing, id+ext)
		}
	}
	if len(existing) > 1 {
		return "", ambiguousPack(user, id, existing)
	}
	if !overwrite {
		if len(existing) > 0 {
			return "", fmt.Errorf("pack %q already exists (%s); confirm to overwrite it or choose another id", id, user.display(existing[0]))
		}
		if sample := l.samplePacks(); sample.isFile(id+extTxt) || sample.isFile(id+extTSV) {
			return "", fmt.Errorf("%q is a shipped sample pack; saving under that id hides the sample: confirm to do so or choose another id", id)
		}
	}
	if len(existing) == 1 {
		return existing[0], nil
	}
	return id + extTxt, nil
}

// ApplyConfigToPack writes c as the sidecar of pack packID, replacing the
// sidecar it had. The sidecar is YAML: an existing .yaml or .yml file is
// overwritten in place; a .json sidecar is replaced by a .yaml one and kept
// as <stem>.json.bak. For a sample pack, the pack is first copied into the
// user's packs folder, where the copy shadows the sample. c must pass
// Validate.
func (l *Library) ApplyConfigToPack(packID string, c pipeline.PipelineConfig) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("not applying the configuration to pack %q: %w", packID, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	loc, err := l.findPack(packID)
	if err != nil {
		return err
	}
	user := l.userPacks()
	if loc.sample {
		data, err := pipeline.ReadRegularFS(loc.src.fsys, loc.src.name(loc.base))
		if err != nil {
			return fmt.Errorf("copying sample pack %s: %w", loc.src.display(loc.base), unwrapPath(err))
		}
		if err := output.WriteFileAtomic(filepath.Join(l.PacksDir(), loc.base), data); err != nil {
			return err
		}
	}
	old, err := user.sidecar(loc.base)
	if err != nil {
		return err
	}
	st := strings.TrimSuffix(loc.base, path.Ext(loc.base))
	target := st + ".yaml"
	if strings.EqualFold(path.Ext(old), ".yml") || strings.EqualFold(path.Ext(old), ".yaml") {
		target = old
	}
	if err := pipeline.SaveConfigFile(filepath.Join(l.PacksDir(), target), c); err != nil {
		return err
	}
	if old != "" && old != target {
		oldPath := filepath.Join(l.PacksDir(), old)
		if err := os.Rename(oldPath, oldPath+".bak"); err != nil {
			return fmt.Errorf("wrote %s but could not move the old sidecar aside: %w; delete %s by hand so the pack has one sidecar",
				filepath.Join(l.PacksDir(), target), err, oldPath)
		}
	}
	return nil
}
