package packs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// PackLists returns the custom pack lists from pack_lists.json, each a name
// and the pack ids it selects: {"Portraits": ["sdxl_portraits", …]}. The
// original StableNew's custom_pack_lists.json is read when pack_lists.json
// is missing, and its file names ("a.txt") become ids. No file means no
// lists. A list may name packs that no longer exist; the GUI shows them as
// missing.
func (l *Library) PackLists() (map[string][]string, error) {
	p := filepath.Join(l.dir, PackListsFile)
	data, err := pipeline.ReadRegular(p)
	if isNotExist(err) {
		p = filepath.Join(l.dir, legacyPackListsFile)
		data, err = pipeline.ReadRegular(p)
		if isNotExist(err) {
			return map[string][]string{}, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("reading pack lists: %w", err)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string][]string{}, nil
	}
	var raw map[string][]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %s; it must map list names to lists of pack ids, like {\"Portraits\": [\"sdxl_portraits\"]}",
			jsonLocation(p, data, err), jsonMessage(err))
	}
	return normalizeLists(raw)
}

// SavePackLists replaces the custom pack lists, atomically. Names and ids
// are trimmed, ".txt"/".tsv" is dropped from ids, and an id listed twice in
// one list is kept once.
func (l *Library) SavePackLists(lists map[string][]string) error {
	clean, err := normalizeLists(lists)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(clean, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding pack lists: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return output.WriteFileAtomic(filepath.Join(l.dir, PackListsFile), append(data, '\n'))
}

func normalizeLists(in map[string][]string) (map[string][]string, error) {
	out := make(map[string][]string, len(in))
	for name, ids := range in {
		n := strings.TrimSpace(name)
		if n == "" {
			return nil, errors.New("a pack list needs a name")
		}
		if _, dup := out[n]; dup {
			return nil, fmt.Errorf("two pack lists are named %q", n)
		}
		list := make([]string, 0, len(ids))
		for _, id := range ids {
			id = strings.TrimSpace(id)
			if packExt(id) != "" {
				id = stem(id)
			}
			if id != "" && !slices.Contains(list, id) {
				list = append(list, id)
			}
		}
		out[n] = list
	}
	return out, nil
}

// jsonLocation names the file and, when the error has an offset, the line.
func jsonLocation(path string, data []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return path
	}
	return fmt.Sprintf("%s line %d", path, lineAt(data, int(min(off, int64(len(data))))))
}

func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("found a JSON %s where a %s belongs", te.Value, describeGoType(te.Type.String()))
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func describeGoType(t string) string {
	switch t {
	case "string":
		return "pack id (a string)"
	case "[]string":
		return "list of pack ids"
	}
	return "mapping of list names to lists"
}
