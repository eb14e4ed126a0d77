package packs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"stablenew/assets"
)

// Library is the user's data folder with the shipped samples underneath:
// packs, presets, wildcards, the global negative and the pack lists.
//
// A user file with the same id or name as a sample shadows it. The Library
// caches nothing: every call reads the files, so edits made outside the
// app show up at the next call. It is safe for concurrent use; its writes
// are atomic (temporary file, then rename) and serialised.
type Library struct {
	dir     string
	samples fs.FS
	mu      sync.Mutex // serialises writes
}

// PackInfo describes one pack for a pack list. A pack that fails to load is
// listed with its error rather than hidden.
type PackInfo struct {
	ID   string
	Name string
	// Path is the pack file, or "sample:packs/<file>" for a sample.
	Path   string
	Sample bool
	// Shadows is true for a user pack that hides a sample with the same ID.
	Shadows bool
	// Rows is the number of prompt rows (0 when Err is set).
	Rows        int
	SidecarPath string
	// Err is why the pack (or its sidecar) could not be loaded.
	Err error
}

// Open opens the data folder dataDir (DefaultDataDir when empty), creating
// it and its subfolders when missing. A folder that can't be created or
// written is an error that wraps ErrDataDirNotWritable and suggests
// --data-dir.
func Open(dataDir string) (*Library, error) {
	return open(dataDir, assets.Samples)
}

func open(dataDir string, samples fs.FS) (*Library, error) {
	dir, err := ResolveDataDir(dataDir)
	if err != nil {
		return nil, err
	}
	if err := prepareDataDir(dir); err != nil {
		return nil, err
	}
	return &Library{dir: dir, samples: samples}, nil
}

// DataDir is the data folder.
func (l *Library) DataDir() string { return l.dir }

// PacksDir is the folder of the user's packs and sidecars.
func (l *Library) PacksDir() string { return filepath.Join(l.dir, packsDirName) }

// PresetsDir is the folder of the user's presets.
func (l *Library) PresetsDir() string { return filepath.Join(l.dir, presetsDirName) }

// OutputDir is the default output folder for images.
func (l *Library) OutputDir() string { return filepath.Join(l.dir, outputDirName) }

// StateDir is the folder for the queue database and last-run state.
func (l *Library) StateDir() string { return filepath.Join(l.dir, stateDirName) }

func (l *Library) userPacks() source   { return diskSource(l.PacksDir()) }
func (l *Library) samplePacks() source { return sampleSource(l.samples, packsDirName) }

// Packs lists the user's packs and the samples they don't shadow, sorted by
// ID. Each pack is loaded to count its rows and check its sidecar. When the
// packs folder can't be read, only the samples are listed.
func (l *Library) Packs() []PackInfo {
	user, _ := l.userPacks().list(extTxt, extTSV)
	samples, _ := l.samplePacks().list(extTxt, extTSV)
	var out []PackInfo
	for id, bases := range user {
		info := packInfo(l.userPacks(), id, bases)
		_, info.Shadows = samples[id]
		out = append(out, info)
	}
	for id, bases := range samples {
		if _, shadowed := user[id]; shadowed {
			continue
		}
		info := packInfo(l.samplePacks(), id, bases)
		info.Sample = true
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return lessFold(out[i].ID, out[j].ID) })
	return out
}

func packInfo(s source, id string, bases []string) PackInfo {
	sort.Strings(bases)
	info := PackInfo{ID: id, Name: id, Path: s.display(bases[0])}
	if len(bases) > 1 {
		info.Err = ambiguousPack(s, id, bases)
		return info
	}
	p, err := s.load(bases[0])
	if err != nil {
		info.Err = err
		if sc, serr := s.sidecar(bases[0]); serr == nil && sc != "" {
			info.SidecarPath = s.display(sc)
		}
		return info
	}
	info.Name, info.Rows, info.SidecarPath = p.Name, len(p.Rows), p.SidecarPath
	return info
}

func ambiguousPack(s source, id string, bases []string) error {
	shown := make([]string, len(bases))
	for i, b := range bases {
		shown[i] = s.display(b)
	}
	return fmt.Errorf("%s share the pack id %q; rename or remove all but one", strings.Join(shown, " and "), id)
}

// lessFold orders names case-insensitively, then by bytes.
func lessFold(a, b string) bool {
	la, lb := strings.ToLower(a), strings.ToLower(b)
	if la != lb {
		return la < lb
	}
	return a < b
}

// located is a pack file found by id.
type located struct {
	src    source
	base   string
	sample bool
}

// findPack resolves a pack id: the user's pack, then a sample, then a
// case-insensitive match when there is exactly one.
func (l *Library) findPack(id string) (located, error) {
	user, err := l.userPacks().list(extTxt, extTSV)
	if err != nil {
		return located{}, err
	}
	samples, _ := l.samplePacks().list(extTxt, extTSV)
	pick := func(id string) (located, bool, error) {
		if bases, ok := user[id]; ok {
			if len(bases) > 1 {
				return located{}, true, ambiguousPack(l.userPacks(), id, bases)
			}
			return located{src: l.userPacks(), base: bases[0]}, true, nil
		}
		if bases, ok := samples[id]; ok {
			sort.Strings(bases)
			return located{src: l.samplePacks(), base: bases[0], sample: true}, true, nil
		}
		return located{}, false, nil
	}
	if loc, ok, err := pick(id); ok {
		return loc, err
	}
	ids := unionKeys(user, samples)
	var folded []string
	for _, known := range ids {
		if strings.EqualFold(known, id) {
			folded = append(folded, known)
		}
	}
	if len(folded) == 1 {
		loc, _, err := pick(folded[0])
		return loc, err
	}
	return located{}, notFound("pack", id, l.PacksDir()+" or the samples", ids)
}

func unionKeys(maps ...map[string][]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range maps {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return lessFold(out[i], out[j]) })
	return out
}

// LoadPack loads a pack with its sidecar. nameOrPath is a pack id
// ("sdxl_portraits"), a file name in the packs folder ("sdxl_portraits.txt"),
// a path to a .txt or .tsv file anywhere, or a sample's "sample:packs/…"
// path. An unknown name is an error that suggests close matches.
func (l *Library) LoadPack(nameOrPath string) (*Pack, error) {
	s := strings.TrimSpace(nameOrPath)
	if rest, ok := strings.CutPrefix(s, samplePrefix); ok {
		base := path.Base(rest)
		if src := l.samplePacks(); packExt(base) != "" && src.isFile(base) {
			return src.load(base)
		}
		return nil, notFound("sample pack", rest, "the samples", l.sampleIDs())
	}
	isPath := strings.ContainsAny(s, `/\`)
	if isPath || packExt(s) != "" {
		fi, err := os.Stat(s)
		switch {
		case err == nil && fi.Mode().IsRegular():
			if packExt(s) == "" {
				return nil, errorf(s, 0, "a pack is a .txt or .tsv file", "%s", notPackType(s))
			}
			return LoadPackFile(s)
		case err == nil:
			return nil, fmt.Errorf("pack %s is a folder, not a .txt or .tsv file", s)
		case isPath:
			return nil, fmt.Errorf("pack file %s: %w", s, unwrapPath(err))
		}
	}
	id := s
	if packExt(s) != "" {
		id = stem(s)
	}
	loc, err := l.findPack(id)
	if err != nil {
		return nil, err
	}
	return loc.src.load(loc.base)
}

func (l *Library) sampleIDs() []string {
	samples, _ := l.samplePacks().list(extTxt, extTSV)
	return unionKeys(samples)
}

// isNotExist reports whether err says a file does not exist.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
