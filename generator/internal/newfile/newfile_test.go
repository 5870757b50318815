package newfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "content", "2017", "05", "a.md")
	if err := Write(file, []byte("first")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	err := Write(file, []byte("second"))
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Write over a file: err = %v, want one wrapping fs.ErrExist", err)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "first" {
		t.Errorf("the file holds %q after a refused Write, want %q", got, "first")
	}
}

func TestWriteUnderAFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "content"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(dir, "content", "a.md"), []byte("x")); err == nil {
		t.Error("Write below a file succeeded, want an error")
	}
}
