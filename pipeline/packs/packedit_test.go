package packs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const commented = `# name: Coastal lights
# A pack with comments, kept when the editor saves.

a lighthouse on a cliff,
  soft evening light
neg: blurry
# the second row follows

a harbour at night
neg: noise

a fishing village
`

func TestEditPackKeepsCommentsHeaderAndLayout(t *testing.T) {
	edits := []RowEdit{
		{Orig: 0, Positive: "a lighthouse on a cliff, soft evening light", Negative: "blurry"}, // unchanged (as parsed)
		{Orig: 2, Positive: "a fishing village at dawn"},                                       // changed; row 2 removed
		{Orig: -1, Positive: "a new row", Negative: "low quality"},
	}
	got, err := EditPack([]byte(commented), "coast.txt", edits)
	if err != nil {
		t.Fatal(err)
	}
	want := `# name: Coastal lights
# A pack with comments, kept when the editor saves.

a lighthouse on a cliff,
  soft evening light
neg: blurry
# the second row follows

a fishing village at dawn

a new row
neg: low quality
`
	if string(got) != want {
		t.Errorf("edited pack:\n%s\nwant:\n%s", got, want)
	}
	p, err := ParsePack(got, "coast.txt")
	if err != nil || p.Name != "Coastal lights" || len(p.Rows) != 3 {
		t.Errorf("reads back as %+v, %v", p, err)
	}
}

func TestEditPackKeepsCRLFAndTSV(t *testing.T) {
	orig := "# name: T\r\npos one\tneg one\r\n# c\r\npos two\r\n"
	got, err := EditPack([]byte(orig), "t.tsv", []RowEdit{{Orig: 0, Positive: "pos one", Negative: "neg one"}, {Orig: 1, Positive: "pos 2"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "# name: T\r\npos one\tneg one\r\n# c\r\npos 2\r\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEditPackRefusesWhatCannotRoundTrip(t *testing.T) {
	_, err := EditPack([]byte(commented), "coast.txt", []RowEdit{{Orig: 0, Positive: "ok"}, {Orig: 1, Positive: "neg: looks negative"}})
	if err == nil || !strings.Contains(err.Error(), "prompt row 2") {
		t.Errorf("err = %v, want one naming row 2", err)
	}
	if _, err := EditPack([]byte(commented), "coast.txt", []RowEdit{{Orig: 1, Positive: "b"}, {Orig: 0, Positive: "a"}}); err == nil {
		t.Error("rows out of order were accepted")
	}
}

func TestSavePackEditsWritesTheEditedFile(t *testing.T) {
	l := newTestLibrary(t)
	if err := os.WriteFile(filepath.Join(l.PacksDir(), "coast.txt"), []byte(commented), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := l.LoadPack("coast")
	if err != nil {
		t.Fatal(err)
	}
	edits := []RowEdit{{Orig: 0, Positive: p.Rows[0].Positive, Negative: p.Rows[0].Negative}, {Orig: 1, Positive: "a harbour at dawn"}, {Orig: 2, Positive: p.Rows[2].Positive}}
	if err := l.SavePackEdits("coast", p, edits, true); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(l.PacksDir(), "coast.txt"))
	if !strings.Contains(string(data), "# the second row follows\n\na harbour at dawn\n\na fishing village") ||
		!strings.HasPrefix(string(data), "# name: Coastal lights") {
		t.Errorf("saved:\n%s", data)
	}
	// A copy under a new id keeps the layout too; without overwrite an
	// existing id is refused.
	if err := l.SavePackEdits("coast", p, edits, false); err == nil {
		t.Error("overwrote without overwrite")
	}
	if err := l.SavePackEdits("coast_copy", p, edits, false); err != nil {
		t.Fatal(err)
	}
	if c, _ := os.ReadFile(filepath.Join(l.PacksDir(), "coast_copy.txt")); string(c) != string(data) {
		t.Errorf("copy differs:\n%s", c)
	}
}

// FuzzEditPack: whatever the pack and the edits, EditPack either refuses
// or writes a file that reads back as exactly the edited rows.
func FuzzEditPack(f *testing.F) {
	f.Add(commented, "a", "b", uint8(1))
	f.Add("# name: x\n# c\n\n<embedding:e> portrait\nNEG:bad\n", "p\nq", "", uint8(0))
	f.Add("one\ttwo\n", "x", "y", uint8(2))
	f.Fuzz(func(t *testing.T, text, pos, neg string, mode uint8) {
		for _, ext := range []string{".txt", ".tsv"} {
			p, err := ParsePack([]byte(text), "f"+ext)
			if err != nil {
				continue
			}
			var edits []RowEdit
			for i, r := range p.Rows {
				switch {
				case int(mode)%3 == 0 && i == 0: // drop the first row
				case int(mode)%3 == 1 && i == len(p.Rows)-1:
					edits = append(edits, RowEdit{Orig: i, Positive: pos, Negative: neg})
				default:
					edits = append(edits, RowEdit{Orig: i, Positive: r.Positive, Negative: r.Negative})
				}
			}
			if mode%2 == 0 {
				edits = append(edits, RowEdit{Orig: -1, Positive: pos, Negative: neg})
			}
			if len(edits) == 0 {
				continue
			}
			out, err := EditPack([]byte(text), "f"+ext, edits)
			if err != nil {
				continue
			}
			if err := checkEdited(out, "f"+ext, edits); err != nil {
				t.Fatalf("EditPack returned a file that does not read back: %v", err)
			}
		}
	})
}
