package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"stablenew/pipeline/output"
)

// maxJobIDLen bounds a job id: it names the job's manifest file.
const maxJobIDLen = 128

// CheckJobID reports an id that cannot name a job: empty, too long, or not
// a portable file name (it names the job's manifest, <id>.json).
func CheckJobID(id string) error {
	switch {
	case id == "":
		return errors.New("it has no job_id")
	case len(id) > maxJobIDLen:
		return fmt.Errorf("its job_id is %d bytes long; at most %d", len(id), maxJobIDLen)
	case output.SanitizeComponent(id) != id || strings.Contains(id, ".."):
		return fmt.Errorf("its job_id %q is not a plain file name (letters, digits, - and _); it names the job's manifest", id)
	}
	return nil
}

// CheckFiles reports the first reason a job would read or write files
// where a planned job could not: its id is not a plain file name, its file
// name template does not parse or holds a folder, or its output folder is
// not inside outputRoot (following symbolic links of the folders that
// exist). A job from a file someone else wrote, such as an imported queue,
// is held to this before it is queued.
func (j *JobSpec) CheckFiles(outputRoot string) error {
	if err := CheckJobID(j.JobID); err != nil {
		return err
	}
	t, err := output.ParseTemplate(j.FilenameTemplate)
	if err != nil {
		return fmt.Errorf("filename_template: %w", err)
	}
	if t.Segments() != 1 {
		return fmt.Errorf("filename_template %q holds a folder; a file name template names only the file", j.FilenameTemplate)
	}
	if !filepath.IsAbs(j.OutputDir) {
		return fmt.Errorf("output_dir %q is not an absolute folder", j.OutputDir)
	}
	if !InsideFolder(outputRoot, j.OutputDir) {
		return fmt.Errorf("output_dir %s is outside the output folder %s; StableNew writes only under its output folder", j.OutputDir, outputRoot)
	}
	return nil
}

// InsideFolder reports whether path is root or inside it, both lexically
// and after the symbolic links of their existing folders are followed (a
// link that leads nowhere counts as outside).
func InsideFolder(root, path string) bool {
	root, err := filepath.Abs(root)
	if err != nil {
		return false
	}
	path, err = filepath.Abs(path)
	if err != nil {
		return false
	}
	realRoot, ok1 := resolveExisting(root)
	realPath, ok2 := resolveExisting(path)
	return within(root, path) && ok1 && ok2 && within(realRoot, realPath)
}

func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// resolveExisting follows the symbolic links of the longest existing
// prefix of an absolute, clean path and appends the rest. ok is false when
// that prefix cannot be resolved (a link to nowhere, a loop).
func resolveExisting(p string) (string, bool) {
	rest := ""
	for {
		if _, err := os.Lstat(p); err == nil {
			r, err := filepath.EvalSymlinks(p)
			return filepath.Join(r, rest), err == nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", false
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest), true
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
