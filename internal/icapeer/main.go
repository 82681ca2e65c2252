// Command icapeer writes one ICA experiment's mixtures and mixing matrix
// as CSV and times jclub's FastICA on them, for compare.py to run
// scikit-learn's FastICA on the same data (a tool, not a test):
//
//	go run ./internal/icapeer -sources 5 -out /tmp/ica && /usr/bin/python3 internal/icapeer/compare.py /tmp/ica
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/jclub/jclub/models"
)

func main() {
	n := flag.Int("sources", 5, "sources (2..10)")
	kind := flag.String("kind", models.SrcLaplace, "source kind")
	cond := flag.Float64("condition", 10, "condition number of A")
	m := flag.Int("samples", 5000, "samples")
	seed := flag.Uint64("seed", 1, "seed")
	reps := flag.Int("reps", 20, "timed runs")
	out := flag.String("out", "", "directory for X.csv and A.csv")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "icapeer: -out DIR is needed")
		os.Exit(2)
	}
	p := models.ICAParams{Sources: *n, Kind: *kind, Algorithm: models.ICAFast, Contrast: "logcosh", Condition: *cond, Samples: *m, Batch: 100, Rate: 0.02}
	// the fit as scikit-learn's is timed: iterations until the same
	// tolerance (1e-6 on 1 − |⟨w⁺, w⟩|); drawing the sources and whitening
	// (done in NewICA) are timed apart
	var c *models.ICA
	var fits, setups []float64
	for range *reps {
		start := time.Now()
		var err error
		if c, err = models.NewICA(p, *seed); err != nil {
			fmt.Fprintln(os.Stderr, "icapeer:", err)
			os.Exit(2)
		}
		setups = append(setups, ms(time.Since(start)))
		start = time.Now()
		for c.Gap >= 1e-6 && c.Steps < 1000 {
			c.Step()
		}
		fits = append(fits, ms(time.Since(start)))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "icapeer:", err)
		os.Exit(1)
	}
	var xt mat.Dense
	xt.CloneFrom(c.X.T())
	for name, M := range map[string]*mat.Dense{"X.csv": &xt, "A.csv": c.A} {
		if err := writeCSV(filepath.Join(*out, name), M); err != nil {
			fmt.Fprintln(os.Stderr, "icapeer:", err)
			os.Exit(1)
		}
	}
	slices.Sort(fits)
	slices.Sort(setups)
	fmt.Printf("jclub FastICA (symmetric, log-cosh, tol 1e-6): Amari %.4f after %d iterations, %.2f ms a fit (median of %d; drawing and whitening %.2f ms more)\n",
		c.Amari(), c.Steps, fits[len(fits)/2], *reps, setups[len(setups)/2])
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func writeCSV(path string, M *mat.Dense) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	r, cols := M.Dims()
	for i := range r {
		row := make([]string, cols)
		for j := range cols {
			row[j] = strconv.FormatFloat(M.At(i, j), 'g', -1, 64)
		}
		if err := w.Write(row); err != nil {
			f.Close()
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
