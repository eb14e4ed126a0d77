package packs

import (
	"io/fs"
	"os"
	"path/filepath"

	"stablenew/assets"
)

// SampleWildcards returns the shipped wildcard files (hair.txt, …) as a
// file system rooted at the wildcards folder, read straight from the
// binary.
func SampleWildcards() fs.FS { return wildcardsOf(assets.Samples) }

func wildcardsOf(samples fs.FS) fs.FS {
	sub, err := fs.Sub(samples, wildcardsDirName)
	if err != nil {
		// fs.Sub fails only for an invalid name, and "wildcards" is valid.
		panic(err)
	}
	return sub
}

// WildcardsDir is the folder of the user's wildcard files (*.txt, with
// subfolders: __dir/name__ reads wildcards/dir/name.txt).
func (l *Library) WildcardsDir() string { return filepath.Join(l.dir, wildcardsDirName) }

// WildcardDirs lists the wildcard folders on disk in lookup order: the
// user's. The samples have no folder on disk; WildcardFS includes them.
func (l *Library) WildcardDirs() []string { return []string{l.WildcardsDir()} }

// WildcardFS returns the wildcard sources in lookup order, the user's folder
// first and then the samples: a reader looks a name up in each in turn, so
// a user file shadows a sample of the same name.
func (l *Library) WildcardFS() []fs.FS {
	return []fs.FS{os.DirFS(l.WildcardsDir()), wildcardsOf(l.samples)}
}
