package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// picture draws 28×28 values in 0..1 (an MNIST image, a dream) in grey
// shades: 28×14 cells where maxRows allows, else halved to 14×7.
func (c *Common) picture(v []float64, maxRows int) []string {
	return c.shades(v, 28, 28, false, maxRows)
}

// weightPicture draws 28×28 weights in a diverging ramp centred on zero,
// scaled to their largest magnitude: red above zero, blue below, dark at
// zero. The pattern a unit responds to shows with its sign.
func (c *Common) weightPicture(w []float64, maxRows int) []string {
	return c.shades(w, 28, 28, true, maxRows)
}

// shadeScale says what a picture's shades mean.
const shadeScale = "red +, blue −, dark 0, scaled to each unit's largest |w|"

// shades draws a w×h grid of values (row-major) as half-block cells, two
// pixels a cell: grey from black (0) to white (1), or for signed values a
// diverging ramp scaled to the largest magnitude. Where h/2 rows exceed
// maxRows the grid is averaged 2×2 first. Without colour (NO_COLOR, an
// ASCII terminal) it is a character ramp, a cell a pixel pair averaged.
func (c *Common) shades(v []float64, w, h int, signed bool, maxRows int) []string {
	if (h+1)/2 > maxRows && w >= 2 && h >= 2 {
		v, w, h = halve(v, w, h)
	}
	scale := 1.0
	if signed {
		m := 0.0
		for _, x := range v {
			m = math.Max(m, math.Abs(x))
		}
		if m > 0 {
			scale = 1 / m
		}
	}
	at := func(x, y int) float64 {
		if y >= h {
			return math.NaN()
		}
		return v[y*w+x] * scale
	}
	ascii := c.R.ColorProfile() == termenv.Ascii
	lines := make([]string, 0, (h+1)/2)
	for y := 0; y < h; y += 2 {
		var b strings.Builder
		for x := 0; x < w; x++ {
			top, bot := at(x, y), at(x, y+1)
			if ascii {
				b.WriteByte(rampChar(top, bot, signed))
				continue
			}
			sc := c.shadeCodes(level(top, signed), level(bot, signed), signed)
			b.WriteString(sc.pre + "▀" + sc.post)
		}
		lines = append(lines, b.String())
	}
	return lines
}

// halve averages 2×2 blocks of a w×h grid.
func halve(v []float64, w, h int) ([]float64, int, int) {
	hw, hh := w/2, h/2
	out := make([]float64, hw*hh)
	for y := 0; y < hh; y++ {
		for x := 0; x < hw; x++ {
			i := 2*y*w + 2*x
			out[y*hw+x] = (v[i] + v[i+1] + v[i+w] + v[i+w+1]) / 4
		}
	}
	return out, hw, hh
}

// shadeLevels is how many shades a ramp has (per sign for signed ones).
const shadeLevels = 12

// level quantises a value (0..1, or −1..1 if signed; NaN: none) to a ramp
// step: 0..shadeLevels, or −shadeLevels..shadeLevels.
func level(x float64, signed bool) int {
	if math.IsNaN(x) {
		return math.MinInt
	}
	if !signed {
		x = math.Max(0, math.Min(1, x))
	}
	return int(math.Round(math.Max(-1, math.Min(1, x)) * shadeLevels))
}

// shadeColour is the colour of a ramp step.
func shadeColour(l int, signed bool) lipgloss.Color {
	f := float64(l) / shadeLevels
	var r, g, b float64
	switch {
	case !signed:
		r, g, b = f, f, f
	case f >= 0: // dark to red
		r, g, b = 0.12+0.88*f, 0.12+0.25*f, 0.12+0.2*f
	default: // dark to blue
		r, g, b = 0.12-0.02*f, 0.12-0.33*f, 0.12-0.88*f
	}
	return lipgloss.Color(fmt.Sprintf("#%02x%02x%02x", int(255*math.Min(1, r)), int(255*math.Min(1, g)), int(255*math.Min(1, b))))
}

// shadeCodes are the escape codes of a half-block cell, its top pixel in
// the foreground and its bottom one in the background, computed once per
// pair.
func (c *Common) shadeCodes(top, bot int, signed bool) styleCodes {
	k := [3]int{top, bot, 0}
	if signed {
		k[2] = 1
	}
	if sc, ok := c.shades_[k]; ok {
		return sc
	}
	st := c.R.NewStyle()
	if top != math.MinInt {
		st = st.Foreground(shadeColour(top, signed))
	}
	if bot != math.MinInt {
		st = st.Background(shadeColour(bot, signed))
	}
	sc := codes(st)
	c.shades_[k] = sc
	return sc
}

// rampChar is a pixel pair as one character of a ramp: for pictures
// " .:-=+*#%@" by brightness, for signed values '=' '-' below zero, ' '
// near it, '+' '#' above.
func rampChar(top, bot float64, signed bool) byte {
	x := top
	if !math.IsNaN(bot) {
		x = (top + bot) / 2
	}
	if !signed {
		const ramp = " .:-=+*#%@"
		return ramp[int(math.Round(math.Max(0, math.Min(1, x))*float64(len(ramp)-1)))]
	}
	switch {
	case x <= -0.5:
		return '='
	case x <= -0.15:
		return '-'
	case x < 0.15:
		return ' '
	case x < 0.5:
		return '+'
	}
	return '#'
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

// spinCodes are the escape codes of the spin grid's colours.
type spinCodes struct{ on, hit, cur styleCodes }

func newSpinCodes(S Styles) spinCodes {
	return spinCodes{on: codes(S.Accent), hit: codes(S.Warn), cur: codes(S.Bad)}
}

// render draws spins (w columns, h rows, row-major) two rows to a line
// with half blocks: █ both +1, ▀ upper, ▄ lower, blank both −1. The glyphs
// carry the state without colour; the last-updated cell is coloured (and
// dotted when blank) and the drawing cursor shown as ◆. When that needs
// more than maxRows lines it draws 2×4 spins to a character in braille
// (a dot for +1). It returns the picture and the spins per character
// across and down.
func (sc spinCodes) render(s []float64, w, h, hit, cursor, maxRows int) (string, int, int) {
	cw, ch := 1, 2
	if (h+1)/2 > maxRows {
		cw, ch = 2, 4
	}
	var b strings.Builder
	on := func(r, c int) bool {
		i := r*w + c
		return r < h && c < w && i < len(s) && s[i] > 0
	}
	has := func(r, c, idx int) bool { // is spin idx in the character at (r, c)?
		if idx < 0 {
			return false
		}
		ir, ic := idx/w, idx%w
		return ir >= r && ir < r+ch && ic >= c && ic < c+cw
	}
	for r := 0; r < h; r += ch {
		if r > 0 {
			b.WriteByte('\n')
		}
		open := styleCodes{}
		for c := 0; c < w; c += cw {
			st, isCur, isHit := sc.on, has(r, c, cursor), has(r, c, hit)
			switch {
			case isCur:
				st = sc.cur
			case isHit:
				st = sc.hit
			}
			if st != open {
				b.WriteString(open.post)
				b.WriteString(st.pre)
				open = st
			}
			var g rune
			if cw == 1 {
				switch up, down := on(r, c), on(r+1, c); {
				case up && down:
					g = '█'
				case up:
					g = '▀'
				case down:
					g = '▄'
				default:
					g = ' '
				}
			} else {
				g = 0x2800
				for dy := 0; dy < 4; dy++ {
					for dx := 0; dx < 2; dx++ {
						if on(r+dy, c+dx) {
							g |= brailleDot[dy][dx]
						}
					}
				}
			}
			switch {
			case isCur:
				g = '◆'
			case isHit && (g == ' ' || g == 0x2800):
				g = '·' // mark where the update was, even on blank
			case g == 0x2800:
				g = ' ' // an empty braille cell: a plain blank renders everywhere
			}
			b.WriteRune(g)
		}
		b.WriteString(open.post)
	}
	return b.String(), cw, ch
}

// brailleDot is the bit of each dot of a braille character, by row and column.
var brailleDot = [4][2]rune{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

// spinZoom is the largest m ≥ 1 at which a grid of w×h spins, each drawn
// 2m columns by m rows (square on a terminal), fits in maxW×maxH cells; 0
// if even m = 1 does not.
func spinZoom(w, h, maxW, maxH int) int {
	m := 0
	for 2*(m+1)*w <= maxW && (m+1)*h <= maxH {
		m++
	}
	return m
}

// renderZoomed draws spins m times larger than render's half blocks: each
// spin a block of 2m×m cells, █ for +1 and blank for −1, the last-updated
// one coloured (dotted when blank) and the cursor ◆.
func (sc spinCodes) renderZoomed(s []float64, w, h, hit, cursor, m int) string {
	var b strings.Builder
	for r := 0; r < h; r++ {
		for k := 0; k < m; k++ {
			if r > 0 || k > 0 {
				b.WriteByte('\n')
			}
			for c := 0; c < w; c++ {
				i := r*w + c
				on := i < len(s) && s[i] > 0
				g, st := " ", styleCodes{}
				switch {
				case i == cursor:
					g, st = "◆", sc.cur
				case i == hit && on:
					g, st = "█", sc.hit
				case i == hit:
					g, st = "·", sc.hit
				case on:
					g, st = "█", sc.on
				}
				b.WriteString(st.pre + strings.Repeat(g, 2*m) + st.post)
			}
		}
	}
	return b.String()
}

// sketch is a line drawing in braille: shapes in world units drawn on w×h
// cells, x over xr, and y over a range of the same scale (a braille dot is
// square) centred on yc.
type sketch struct {
	c      *Common
	w, h   int
	canvas canvas.Model
	x0, x1 float64
	y0, y1 float64
}

func (c *Common) newSketch(w, h int, xr [2]float64, yc float64) *sketch {
	half := (xr[1] - xr[0]) * float64(4*h) / float64(2*w) / 2
	return &sketch{c: c, w: w, h: h, canvas: canvas.New(w, h), x0: xr[0], x1: xr[1], y0: yc - half, y1: yc + half}
}

// lines draws the polylines (x, y pairs) in one style.
func (k *sketch) lines(st lipgloss.Style, polys ...[]float64) {
	g := graph.NewBrailleGrid(k.w, k.h, k.x0, k.x1, k.y0, k.y1)
	for _, p := range polys {
		for i := 2; i+1 < len(p); i += 2 {
			a := g.GridPoint(canvas.Float64Point{X: p[i-2], Y: p[i-1]})
			b := g.GridPoint(canvas.Float64Point{X: p[i], Y: p[i+1]})
			for _, q := range graph.GetLinePoints(a, b) {
				if q.X >= 0 && q.Y >= 0 && q.X < 2*k.w && q.Y < 4*k.h {
					g.Set(q)
				}
			}
		}
	}
	graph.DrawBraillePatterns(&k.canvas, canvas.Point{}, g.BraillePatterns(), st)
}

// circle is a polyline around (x, y) of radius r.
func circle(x, y, r float64) []float64 {
	var p []float64
	for i := 0; i <= 24; i++ {
		a := 2 * math.Pi * float64(i) / 24
		p = append(p, x+r*math.Cos(a), y+r*math.Sin(a))
	}
	return p
}

func (k *sketch) view() string { return k.c.renderCanvas(&k.canvas) }

// signedCell shades a table cell by f in −1..1 on the weights' diverging
// ramp: red above zero, blue below, dark at zero.
func (c *Common) signedCell(text string, f float64) string {
	return c.R.NewStyle().Background(shadeColour(level(f, true), true)).Foreground(lipgloss.Color("#f0f0f0")).Render(text)
}

// heatCell shades a table cell by f in 0..1: green for a share that should
// be large (the diagonal of a confusion matrix), red for one that should be
// small (scaled ×5), dark at zero; the text stays readable on it. Without
// colour the cell is its text.
func (c *Common) heatCell(text string, f float64, good bool) string {
	f = math.Max(0, math.Min(1, f))
	var r, g, b float64
	if good {
		r, g, b = 0.1, 0.1+0.6*f, 0.1
	} else {
		f = math.Min(1, 5*f)
		r, g, b = 0.1+0.7*f, 0.1, 0.1
	}
	bg := lipgloss.Color(fmt.Sprintf("#%02x%02x%02x", int(255*r), int(255*g), int(255*b)))
	return c.R.NewStyle().Background(bg).Foreground(lipgloss.Color("#f0f0f0")).Render(text)
}
