package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxDocumentSize bounds a configuration file; real ones are a few KB.
const maxDocumentSize = 4 << 20

// parseDocument parses a YAML or JSON document into its root mapping node,
// or nil for an empty document. JSON is read with encoding/json (YAML does
// not accept every JSON escape) and turned into nodes that keep key order
// and line numbers.
func parseDocument(data []byte, source string) (*yaml.Node, error) {
	if len(data) > maxDocumentSize {
		return nil, fmt.Errorf("%s: file is %d bytes; a configuration file may be at most %d bytes", source, len(data), maxDocumentSize)
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, nil
	}
	var root *yaml.Node
	if trimmed[0] == '{' || trimmed[0] == '[' {
		n, err := jsonToNode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		root = n
	} else {
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %s", source, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		if len(doc.Content) == 0 {
			return nil, nil
		}
		root = resolveAlias(doc.Content[0])
	}
	if isNull(root) {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: line %d: the file must hold a mapping of sections (txt2img:, hires:, ...), got %s", source, root.Line, describe(root))
	}
	return root, nil
}

// jsonToNode converts JSON text to a yaml.Node tree, with line numbers.
func jsonToNode(data []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	lineAt := func(off int64) int {
		if off > int64(len(data)) {
			off = int64(len(data))
		}
		return bytes.Count(data[:off], []byte("\n")) + 1
	}
	var parse func(depth int) (*yaml.Node, error)
	parse = func(depth int) (*yaml.Node, error) {
		if depth > 64 {
			return nil, errors.New("JSON is nested too deeply")
		}
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(err, data, lineAt(dec.InputOffset()))
		}
		line := lineAt(off + 1)
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
				for dec.More() {
					koff := dec.InputOffset()
					ktok, err := dec.Token()
					if err != nil {
						return nil, jsonError(err, data, lineAt(dec.InputOffset()))
					}
					key, _ := ktok.(string)
					kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: lineAt(koff + 1)}
					vn, err := parse(depth + 1)
					if err != nil {
						return nil, err
					}
					n.Content = append(n.Content, kn, vn)
				}
				if _, err := dec.Token(); err != nil {
					return nil, jsonError(err, data, lineAt(dec.InputOffset()))
				}
				return n, nil
			case '[':
				n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line}
				for dec.More() {
					vn, err := parse(depth + 1)
					if err != nil {
						return nil, err
					}
					n.Content = append(n.Content, vn)
				}
				if _, err := dec.Token(); err != nil {
					return nil, jsonError(err, data, lineAt(dec.InputOffset()))
				}
				return n, nil
			}
			return nil, fmt.Errorf("line %d: unexpected %q", line, t.String())
		case string:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t, Style: yaml.DoubleQuotedStyle, Line: line}, nil
		case json.Number:
			tag := "!!int"
			if strings.ContainsAny(t.String(), ".eE") {
				tag = "!!float"
			}
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String(), Line: line}, nil
		case bool:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t), Line: line}, nil
		case nil:
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null", Line: line}, nil
		}
		return nil, fmt.Errorf("line %d: unexpected JSON token", line)
	}
	root, err := parse(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("line %d: unexpected text after the end of the JSON object", lineAt(dec.InputOffset()))
	}
	return root, nil
}

func jsonError(err error, data []byte, line int) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line = bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n")) + 1
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("line %d: the JSON ends too early (a missing } or ]?)", line)
	}
	return fmt.Errorf("line %d: invalid JSON: %v", line, err)
}
