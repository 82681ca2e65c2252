package tui

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// barFilter is a test pattern: a positive bar (rows 12–15) on a negative
// background.
func barFilter() []float64 {
	w := make([]float64, 28*28)
	for i := range w {
		w[i] = -0.5
		if r := i / 28; r >= 12 && r < 16 {
			w[i] = 1
		}
	}
	return w
}

var trueColour = regexp.MustCompile(`38;2;(\d+);(\d+);(\d+)`)

// A filter of known weights renders with the bar brighter than the
// background and its sign shown: red on blue in colour, # on = without.
func TestWeightPictureShowsSign(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	lines := NewCommon(r).weightPicture(barFilter(), 14)
	if len(lines) != 14 {
		t.Fatalf("%d lines, want 14", len(lines))
	}
	rgb := func(line string) (int, int, int) {
		m := trueColour.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("no colour in %q", line)
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		return a, b, c
	}
	br, bg, bb := rgb(lines[6]) // rows 12 and 13: the bar
	nr, ng, nb := rgb(lines[1]) // the background
	if !(br > bb && nb > nr && br+bg+bb > nr+ng+nb) {
		t.Fatalf("bar (%d,%d,%d), background (%d,%d,%d): want a bright red bar on blue", br, bg, bb, nr, ng, nb)
	}
	plain := NewCommon(asciiRenderer()).weightPicture(barFilter(), 14)
	if !strings.Contains(plain[6], "####") || !strings.Contains(plain[1], "====") {
		t.Fatalf("without colour:\n%s", strings.Join(plain, "\n"))
	}
	if half := NewCommon(asciiRenderer()).weightPicture(barFilter(), 7); len(half) != 7 || len(half[0]) != 14 {
		t.Fatalf("halved: %d lines of %d", len(half), len(half[0]))
	}
}
