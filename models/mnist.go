package models

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/jclub/jclub/models/mnistdata"
)

// Pixels is the number of pixels of an MNIST image (28×28).
const Pixels = 28 * 28

// Digits is a set of MNIST images, kept as bytes (0 background .. 255 ink)
// so that the 70,000 images cost 55 MB, not 440 MB of float64.
type Digits struct {
	Images []byte // N×Pixels, row-major
	Labels []byte // N labels 0..9
}

// Len is the number of digits.
func (d Digits) Len() int { return len(d.Labels) }

// Image returns image i's pixels.
func (d Digits) Image(i int) []byte { return d.Images[i*Pixels : (i+1)*Pixels] }

// Slice returns digits lo..hi−1, sharing the memory.
func (d Digits) Slice(lo, hi int) Digits {
	return Digits{Images: d.Images[lo*Pixels : hi*Pixels], Labels: d.Labels[lo:hi]}
}

// MNIST is the data split as in Nielsen's book: the first 50,000 training
// images for training, the last 10,000 for validation, and the 10,000 test
// images for test.
type MNIST struct {
	Train, Val, Test Digits
	Source           string // "embedded" or the directory read
}

// mnistCache holds each source loaded, so that the data are read once per
// process and shared read-only.
var mnistCache struct {
	sync.Mutex
	bySource map[string]*mnistLoad
}

type mnistLoad struct {
	once sync.Once
	data *MNIST
	err  error
}

// LoadMNIST loads the embedded copy (LoadMNISTFrom("")).
func LoadMNIST() (*MNIST, error) { return LoadMNISTFrom("") }

// LoadMNISTFrom loads the four IDX files (gzipped or not) from dir, or the
// embedded copy for dir "", once per process for each dir; every caller
// shares the same read-only copy.
func LoadMNISTFrom(dir string) (*MNIST, error) {
	mnistCache.Lock()
	if mnistCache.bySource == nil {
		mnistCache.bySource = map[string]*mnistLoad{}
	}
	l := mnistCache.bySource[dir]
	if l == nil {
		l = &mnistLoad{}
		mnistCache.bySource[dir] = l
	}
	mnistCache.Unlock()
	l.once.Do(func() { l.data, l.err = loadMNIST(dir) })
	return l.data, l.err
}

func loadMNIST(dir string) (*MNIST, error) {
	names := [4]string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
	embedded := [4][]byte{mnistdata.TrainImages, mnistdata.TrainLabels, mnistdata.TestImages, mnistdata.TestLabels}
	var raw [4][]byte
	for k, name := range names {
		var r io.Reader
		label := name + ".gz (embedded)"
		if dir == "" {
			r = bytes.NewReader(embedded[k])
		} else {
			f, path, err := openIDX(dir, name)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			r, label = f, path
		}
		b, err := readMaybeGzip(r)
		if err != nil {
			return nil, fmt.Errorf("mnist: %s: %w", label, err)
		}
		raw[k] = b
	}
	train, err := parseIDX(raw[0], raw[1], names[0], names[1])
	if err != nil {
		return nil, err
	}
	test, err := parseIDX(raw[2], raw[3], names[2], names[3])
	if err != nil {
		return nil, err
	}
	if train.Len() != 60000 {
		return nil, fmt.Errorf("mnist: %s: %d images, want 60000 for Nielsen's split", names[0], train.Len())
	}
	src := "embedded"
	if dir != "" {
		src = dir
	}
	return &MNIST{Train: train.Slice(0, 50000), Val: train.Slice(50000, 60000), Test: test, Source: src}, nil
}

// openIDX opens dir/name or dir/name.gz.
func openIDX(dir, name string) (*os.File, string, error) {
	for _, n := range []string{name, name + ".gz"} {
		p := filepath.Join(dir, n)
		if f, err := os.Open(p); err == nil {
			return f, p, nil
		}
	}
	return nil, "", fmt.Errorf("mnist: %s: neither %s nor %s.gz found", dir, name, name)
}

// readMaybeGzip reads everything, gunzipping if the data are gzipped.
func readMaybeGzip(r io.Reader) ([]byte, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("bad gzip header: %w", err)
		}
		defer z.Close()
		b, err := io.ReadAll(z)
		if err != nil {
			return nil, fmt.Errorf("truncated or corrupt gzip data: %w", err)
		}
		return b, nil
	}
	return io.ReadAll(br)
}

// parseIDX checks and decodes an image file and its label file.
func parseIDX(img, lab []byte, imgName, labName string) (Digits, error) {
	if len(img) < 16 || binary.BigEndian.Uint32(img) != 0x803 {
		return Digits{}, fmt.Errorf("mnist: %s: not an IDX image file (magic 0x803 missing)", imgName)
	}
	n := int(binary.BigEndian.Uint32(img[4:]))
	rows, cols := binary.BigEndian.Uint32(img[8:]), binary.BigEndian.Uint32(img[12:])
	if rows != 28 || cols != 28 {
		return Digits{}, fmt.Errorf("mnist: %s: images are %d×%d, want 28×28", imgName, rows, cols)
	}
	if want := 16 + n*Pixels; len(img) < want {
		return Digits{}, fmt.Errorf("mnist: %s: truncated: %d bytes for %d images, want %d", imgName, len(img), n, want)
	}
	if len(lab) < 8 || binary.BigEndian.Uint32(lab) != 0x801 {
		return Digits{}, fmt.Errorf("mnist: %s: not an IDX label file (magic 0x801 missing)", labName)
	}
	if m := int(binary.BigEndian.Uint32(lab[4:])); m != n || len(lab) < 8+n {
		return Digits{}, fmt.Errorf("mnist: %s: %d labels in %d bytes, want %d to match the images", labName, m, len(lab)-8, n)
	}
	labels := lab[8 : 8+n]
	for i, l := range labels {
		if l > 9 {
			return Digits{}, fmt.Errorf("mnist: %s: label %d of image %d is not a digit", labName, l, i)
		}
	}
	return Digits{Images: img[16 : 16+n*Pixels], Labels: labels}, nil
}
