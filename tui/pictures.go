package tui

import (
	"strings"

	"gonum.org/v1/gonum/stat"
)

// picture draws 28×28 values (an MNIST image, a row of weights) as the
// spin grid draws spins: on where a value exceeds thr, in half blocks or,
// past maxRows lines, braille. It returns the lines.
func (c *Common) picture(v []float64, thr float64, maxRows int) []string {
	spins := make([]float64, len(v))
	for i, x := range v {
		spins[i] = -1
		if x > thr {
			spins[i] = 1
		}
	}
	pic, _, _ := newSpinCodes(c).render(spins, 28, 28, -1, -1, maxRows)
	return strings.Split(pic, "\n")
}

// weightPicture draws weights with dots where they stand k standard
// deviations above their mean: the pattern a unit responds to.
func (c *Common) weightPicture(w []float64, k float64) []string {
	mean, sd := stat.PopMeanStdDev(w, nil)
	return c.picture(w, mean+k*sd, 7)
}

// pixels scales an MNIST image to 0..1.
func pixels(img []byte) []float64 {
	v := make([]float64, len(img))
	for i, b := range img {
		v[i] = float64(b) / 255
	}
	return v
}

// joinPics puts pictures of equal height side by side, two columns apart.
func joinPics(pics [][]string) string {
	var b strings.Builder
	for y := range pics[0] {
		if y > 0 {
			b.WriteByte('\n')
		}
		for _, p := range pics {
			b.WriteString(p[y] + "  ")
		}
	}
	return b.String()
}
