package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// writeJSON prints v as indented JSON, through a buffer (one large write
// call, not one per token).
func writeJSON(w io.Writer, v any) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return bw.Flush()
}

// writeJSONList prints items exactly as writeJSON(w, items) would, one
// item at a time: memory holds one item's JSON, not the whole array's (a
// 10,000-job plan is 60 MB of JSON), and the output goes out through a
// buffer.
func writeJSONList[T any](w io.Writer, items []T) error {
	if items == nil {
		return writeJSON(w, items) // null
	}
	if len(items) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// An element of an array indented by writeJSON has its lines one level
	// in: the prefix is that level.
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	for i := range items {
		if i == 0 {
			bw.WriteString("[\n  ")
		} else {
			bw.WriteString(",\n  ")
		}
		buf.Reset()
		if err := enc.Encode(&items[i]); err != nil {
			return err
		}
		if _, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
			return err // the reader went away
		}
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}
