package tui

import (
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// field draws many particles as density-shaded characters. It is a lean
// renderer of its own rather than an ntcharts canvas: the field changes
// every frame, and canvas.View styles every cell one call at a time (about
// 10 ms at 200×60), while this writes precomputed colour codes for runs of
// equal density (well under a millisecond).
type field struct {
	w, h   int
	counts []int32
	glyph  []byte // per cell: 0 empty, else a mark
	levels [len(fieldGlyphs)]styleCodes
	ring   styleCodes    // the origin and waiting walkers
	rings  [4]styleCodes // two circles, on empty cells and (underlined) over walkers
	mark   styleCodes
	streak styleCodes
	moving []bool // per cell: holds a walker that moved
	b      strings.Builder
}

// densityLegend says what the field's marks mean.
const densityLegend = "walkers a cell: . 1  : 2–3  + 4–7  * 8–15  # 16–31  @ 32+  ● one followed"

// Density levels: 1, 2–3, 4–7, 8–15, 16–31 and 32+ walkers in a cell.
var fieldGlyphs = [...]rune{'.', ':', '+', '*', '#', '@'}

// styleCodes is a style split into the escape codes before and after its text.
type styleCodes struct{ pre, post string }

func codes(s lipgloss.Style) styleCodes {
	out := s.Render("X")
	i := strings.Index(out, "X")
	if i < 0 {
		return styleCodes{}
	}
	return styleCodes{out[:i], out[i+1:]}
}

func newField(c *Common) *field {
	f := &field{ring: codes(c.S.Dim), mark: codes(c.S.Bold.Inherit(c.S.Accent)), streak: codes(c.S.Warn),
		rings: [4]styleCodes{codes(c.S.Series[1]), codes(c.S.Series[2]),
			codes(c.S.Series[1].Underline(true)), codes(c.S.Series[2].Underline(true))}}
	for i := range f.levels {
		f.levels[i] = codes(c.S.Density[i])
	}
	return f
}

func (f *field) setSize(w, h int) {
	f.w, f.h = max(w, 0), max(h, 0)
	f.counts = make([]int32, f.w*f.h)
	f.glyph = make([]byte, f.w*f.h)
}

// extentY is the half-height in world units of a field of half-width X, so
// that world units are square on a terminal whose cells are twice as tall
// as wide.
func (f *field) extentY(X float64) float64 {
	if f.w == 0 {
		return X
	}
	return X * float64(2*f.h) / float64(f.w)
}

// cell maps world (x, y) to a cell index, or -1 outside ±X.
func (f *field) cell(x, y, X float64) int {
	Y := f.extentY(X)
	c := int(math.Floor((x + X) / (2 * X) * float64(f.w)))
	r := int(math.Floor((Y - y) / (2 * Y) * float64(f.h)))
	if c < 0 || c >= f.w || r < 0 || r >= f.h {
		return -1
	}
	return r*f.w + c
}

// draw renders the particles at (xs, ys) in the window ±X (square units),
// with up to two circles of the given radii (the first in the theory's
// colour, the second in the next series'), the origin marked, and particle
// 0 picked out. A circle runs over the walkers too: a cell on it keeps its
// density mark in the circle's colour. It returns the picture and the
// number of particles outside the window.
func (f *field) draw(xs, ys []float64, X float64, rings ...float64) (string, int) {
	return f.drawWith(xs, ys, X, nil, nil, rings...)
}

// drawWith is draw with two overlays: paused[i] marks particles that did
// not move in the last step (a cell holding only those is drawn faint), and
// streaks are long jumps, drawn as lines from where they started.
func (f *field) drawWith(xs, ys []float64, X float64, paused []bool, streaks [][4]float64, rings ...float64) (string, int) {
	if f.w == 0 || f.h == 0 {
		return "", 0
	}
	clear(f.counts)
	clear(f.glyph)
	if len(f.moving) != len(f.counts) {
		f.moving = make([]bool, len(f.counts))
	}
	clear(f.moving)
	outside := 0
	for i := range xs {
		if k := f.cell(xs[i], ys[i], X); k >= 0 {
			f.counts[k]++
			if paused == nil || !paused[i] {
				f.moving[k] = true
			}
		} else {
			outside++
		}
	}
	for _, s := range streaks {
		g := streakGlyph(s[2]-s[0], s[3]-s[1])
		n := 2 * (f.w + f.h)
		for j := 0; j <= n; j++ {
			u := float64(j) / float64(n)
			if k := f.cell(s[0]+u*(s[2]-s[0]), s[1]+u*(s[3]-s[1]), X); k >= 0 && f.counts[k] == 0 {
				f.glyph[k] = g
			}
		}
	}
	for j, ring := range rings[:min(len(rings), 2)] {
		if !(ring > 0 && ring < 2*X) {
			continue
		}
		n := int(8 * (f.w + f.h))
		for i := 0; i < n; i++ {
			a := 2 * math.Pi * float64(i) / float64(n)
			if k := f.cell(ring*math.Cos(a), ring*math.Sin(a), X); k >= 0 {
				f.glyph[k] = 'r' + byte(j)
			}
		}
	}
	if k := f.cell(0, 0, X); k >= 0 {
		f.glyph[k] = 'o'
	}
	if len(xs) > 0 {
		if k := f.cell(xs[0], ys[0], X); k >= 0 {
			f.glyph[k] = 'w'
		}
	}
	b := &f.b
	b.Reset()
	for r := 0; r < f.h; r++ {
		if r > 0 {
			b.WriteByte('\n')
		}
		cur := -2 // style of the open run: -1 origin, 0.. levels, 94–97 rings (over walkers, on empty cells), 98 streak, 99 mark
		open := func(st int, sc styleCodes) {
			if st == cur {
				return
			}
			if cur != -2 {
				b.WriteString(f.style(cur).post)
			}
			b.WriteString(sc.pre)
			cur = st
		}
		for c := 0; c < f.w; c++ {
			k := r*f.w + c
			n := f.counts[k]
			switch {
			case f.glyph[k] == 'w':
				open(99, f.mark)
				b.WriteRune('●')
			case n > 0 && !f.moving[k]:
				open(-1, f.ring)
				b.WriteRune('○') // only waiting walkers here
			case n > 0:
				l := min(int(math.Log2(float64(n))), len(fieldGlyphs)-1)
				if g := f.glyph[k]; g == 'r' || g == 's' {
					open(94+int(g-'r'), f.rings[2+g-'r'])
				} else {
					open(l, f.levels[l])
				}
				b.WriteRune(fieldGlyphs[l])
			case f.glyph[k] >= 0x80:
				open(98, f.streak)
				b.WriteRune(streakRunes[f.glyph[k]-0x80])
			case f.glyph[k] == 'r' || f.glyph[k] == 's':
				open(96+int(f.glyph[k]-'r'), f.rings[f.glyph[k]-'r'])
				b.WriteRune('·')
			case f.glyph[k] == 'o':
				open(-1, f.ring)
				b.WriteRune('┼')
			default:
				b.WriteByte(' ')
			}
		}
		if cur != -2 {
			b.WriteString(f.style(cur).post)
		}
	}
	return b.String(), outside
}

func (f *field) style(st int) styleCodes {
	switch {
	case st == -1:
		return f.ring
	case st == 99:
		return f.mark
	case st == 98:
		return f.streak
	case st >= 94 && st <= 97:
		return f.rings[(st-94+2)%4]
	}
	return f.levels[st]
}

// streak glyphs by direction; glyph codes 0x80.. index them
var streakRunes = [...]rune{'─', '│', '╱', '╲'}

func streakGlyph(dx, dy float64) byte {
	switch {
	case math.Abs(dy) < 0.4*math.Abs(dx):
		return 0x80
	case math.Abs(dx) < 0.4*math.Abs(dy):
		return 0x81
	case dx*dy > 0: // up and to the right (y grows upwards)
		return 0x82
	}
	return 0x83
}
