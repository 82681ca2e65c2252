package tui

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/linechart"
	"github.com/charmbracelet/lipgloss"
)

// series is one curve of a chart.
type series struct {
	xs, ys []float64
	style  lipgloss.Style
	points bool // dots only, no connecting line
	glyph  rune // if set, this character at each point instead of braille
	// dash draws the line in dashes (dashed) or dots (dotted) so that it
	// reads without colour: the legends show ━ solid, ┅ dashed, ┈ dotted
	dash dash
}

// hline is a horizontal line at y from x0 to x1: a reference value.
func hline(x0, x1, y float64, st lipgloss.Style, d dash) series {
	return series{xs: []float64{x0, x1}, ys: []float64{y, y}, style: st, dash: d}
}

// trace is a series recorded against steps in bounded memory: past
// traceMax points every other one is dropped and the stride doubles.
type trace struct {
	xs, ys []float64
	stride int
	n      int // points offered so far
}

const traceMax = 2000

// add offers a point; it is kept if it falls on the current stride.
func (t *trace) add(x, y float64) {
	if t.stride == 0 {
		t.stride = 1
	}
	t.n++
	if (t.n-1)%t.stride != 0 {
		return
	}
	t.xs, t.ys = append(t.xs, x), append(t.ys, y)
	if len(t.xs) > traceMax {
		k := 0
		for i := 0; i < len(t.xs); i += 2 {
			t.xs[k], t.ys[k] = t.xs[i], t.ys[i]
			k++
		}
		t.xs, t.ys = t.xs[:k], t.ys[:k]
		t.stride *= 2
	}
}

func (t *trace) reset() { *t = trace{} }

// last is the latest x recorded (0 if none).
func (t *trace) last() float64 {
	if len(t.xs) == 0 {
		return 0
	}
	return t.xs[len(t.xs)-1]
}

// plot is an ntcharts line chart of one view, sized and redrawn by
// drawer.chart; view returns what was drawn. Log axes plot log10 of the
// data with labels that print the power's value (ntcharts has no log
// scale).
type plot struct {
	c          *Common
	w, h       int
	logX, logY bool
	intX, intY bool   // integer axes (depth, cycles): ticks at whole numbers
	xName      string // the axes' names (with units), drawn where there is room
	yName      string
	xLabels    []string // the tick labels last drawn, for tests
	yLabels    []string
	lc         linechart.Model
	out        string
	at         time.Time // when it was last drawn (drawer.chart)
	note       string    // shown instead of the chart: nothing to plot yet
}

// view returns the last drawing (blank before the first).
func (p *plot) view() string {
	if p.out == "" {
		return block("", p.w, p.h)
	}
	return p.out
}

func (p *plot) tx(x float64) float64 {
	if p.logX {
		return math.Log10(x)
	}
	return x
}

func (p *plot) ty(y float64) float64 {
	if p.logY {
		return math.Log10(y)
	}
	return y
}

// draw plots the series over the ranges xr and yr (in data units). Points
// that are NaN, infinite, or not positive on a log axis are skipped.
func (p *plot) draw(xr, yr [2]float64, ss ...series) {
	if p.w < 12 || p.h < 5 {
		p.out = block("", p.w, p.h)
		return
	}
	x0, x1 := p.tx(xr[0]), p.tx(xr[1])
	y0, y1 := p.ty(yr[0]), p.ty(yr[1])
	if !finite(x0, x1, y0, y1) || x1 <= x0 || y1 <= y0 {
		p.out = block("", p.w, p.h)
		return
	}
	// labels only at the round ticks, each on the row (column) where its
	// value is drawn: the formatters are asked at every row and column
	gh := p.h - 2
	yAt := map[int]string{}
	for _, t := range p.axisTicks(y0, y1, max(2, (gh+1)/2), p.logY, p.intY) {
		d := int(math.Round((t.v - y0) / (y1 - y0) * float64(4*gh-1)))
		yAt[1+d/4] = t.label
	}
	// ntcharts measures labels in bytes: it is given ASCII stand-ins of
	// the labels' widths, and the labels are written over them afterwards
	stand := func(l string) string {
		if n := utf8.RuneCountInString(l); n != len(l) {
			return strings.Repeat("0", n)
		}
		return l
	}
	opts := []linechart.Option{
		linechart.WithStyles(p.c.S.Dim, p.c.S.Dim, p.c.S.Series[0]),
		linechart.WithYLabelFormatter(func(i int, _ float64) string { return stand(yAt[i]) }),
		linechart.WithXLabelFormatter(func(int, float64) string { return "" }),
		linechart.WithXYSteps(1, 1),
	}
	p.lc = linechart.New(p.w, p.h, x0, x1, y0, y1, opts...)
	gw := p.lc.GraphWidth()
	xAt := map[int]string{}
	p.xLabels, p.yLabels = nil, nil
	for _, t := range p.axisTicks(x0, x1, max(2, gw/9), p.logX, p.intX) {
		c := int(math.Round((t.v - x0) / (x1 - x0) * float64(2*gw-1)))
		if i := 1 + c/2; i+utf8.RuneCountInString(t.label) <= gw+1 {
			xAt[i] = t.label
			p.xLabels = append(p.xLabels, t.label)
		}
	}
	for _, l := range yAt {
		p.yLabels = append(p.yLabels, l)
	}
	p.lc.XLabelFormatter = func(i int, _ float64) string { return stand(xAt[i]) }
	p.lc.DrawXYAxisAndLabel()
	o := p.lc.Origin()
	for i, l := range yAt {
		if n := utf8.RuneCountInString(l); n != len(l) {
			p.lc.Canvas.SetStringWithStyle(canvas.Point{X: o.X - n, Y: o.Y - i}, l, p.c.S.Dim)
		}
	}
	for i, l := range xAt {
		if at := (canvas.Point{X: o.X + i, Y: o.Y + 1}); len(l) != utf8.RuneCountInString(l) && p.lc.Canvas.Cell(at).Rune == '0' {
			p.lc.Canvas.SetStringWithStyle(at, l, p.c.S.Dim)
		}
	}
	gh = p.lc.GraphHeight()
	origin := canvas.Point{X: p.lc.Origin().X + 1, Y: 0}
	for _, s := range ss {
		if s.glyph != 0 {
			continue // drawn last, over the lines
		}
		g := graph.NewBrailleGrid(gw, gh, x0, x1, y0, y1)
		var prev canvas.Point
		have := false
		run := 0 // dots along the line, for dashes
		for i := range s.xs {
			x, y := p.tx(s.xs[i]), p.ty(s.ys[i])
			if !finite(x, y) {
				have = false
				continue
			}
			// clamp into the frame so a curve leaving it is cut at the edge
			x = math.Max(x0, math.Min(x1, x))
			y = math.Max(y0, math.Min(y1, y))
			pt := g.GridPoint(canvas.Float64Point{X: x, Y: y})
			if have && !s.points {
				for _, q := range graph.GetLinePoints(prev, pt) {
					if s.dash.on(run) {
						g.Set(q)
					}
					run++
				}
			} else {
				g.Set(pt)
			}
			prev, have = pt, true
		}
		graph.DrawBraillePatterns(&p.lc.Canvas, origin, g.BraillePatterns(), s.style) // merges the dots of a shared cell
	}
	for _, s := range ss {
		if s.glyph == 0 {
			continue
		}
		for i := range s.xs {
			x, y := p.tx(s.xs[i]), p.ty(s.ys[i])
			if finite(x, y) && x >= x0 && x <= x1 && y >= y0 && y <= y1 {
				p.lc.DrawRuneWithStyle(canvas.Float64Point{X: x, Y: y}, s.glyph, s.style)
			}
		}
	}
	p.nameAxes()
	p.out = p.c.renderCanvas(&p.lc.Canvas)
}

// dash is a line pattern.
type dash int

const (
	solid dash = iota
	dashed
	dotted
)

// on reports whether dot k along a line is drawn.
func (d dash) on(k int) bool {
	switch d {
	case dashed:
		return k%6 < 4
	case dotted:
		return k%3 == 0
	}
	return true
}

// mark is the legend's sign for a line of pattern d.
func (d dash) mark() string {
	return [...]string{"━", "┅", "┈"}[d]
}

// nameAxes writes the x axis's name at the right end of its label row and
// the y axis's at the top left of the graph, each only on empty cells.
func (p *plot) nameAxes() {
	o := p.lc.Origin()
	put := func(x, y int, s string) {
		n := len([]rune(s))
		for i := -1; i <= n; i++ { // a blank either side
			if c := p.lc.Canvas.Cell(canvas.Point{X: x + i, Y: y}); x+i < 0 || x+i >= p.w || c.Rune != 0 && c.Rune != ' ' {
				return
			}
		}
		p.lc.Canvas.SetStringWithStyle(canvas.Point{X: x, Y: y}, s, p.c.S.Dim)
	}
	if p.xName != "" {
		put(p.w-len([]rune(p.xName))-1, o.Y+1, p.xName)
	}
	if p.yName != "" {
		put(o.X+2, 0, p.yName)
	}
}

// axisTick is a tick's value (log10 of it on a log axis) and its label.
type axisTick struct {
	v     float64
	label string
}

// axisTicks are the round ticks of an axis over [lo, hi], at most n.
func (p *plot) axisTicks(lo, hi float64, n int, log, integer bool) []axisTick {
	var out []axisTick
	if log {
		ts := logTicks(lo, hi, n)
		decades := true
		for _, v := range ts {
			decades = decades && v == math.Round(v)
		}
		for _, v := range ts {
			if decades {
				out = append(out, axisTick{v, decadeLabel(int(v))})
			} else {
				out = append(out, axisTick{v, logLabel(v)})
			}
		}
		return out
	}
	ts, step := ticks(lo, hi, n, integer)
	for _, v := range ts {
		out = append(out, axisTick{v, tickLabel(v, step, math.Max(math.Abs(lo), math.Abs(hi)))})
	}
	return out
}

func finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

// renderCanvas is canvas.Model.View without a Style.Render per cell: runs
// of cells with the same foreground colour are written at once with escape
// codes computed once per colour, blank cells with none. At chart sizes this
// is several times faster.
func (c *Common) renderCanvas(m *canvas.Model) string {
	var b strings.Builder
	w, h := m.Width(), m.Height()
	b.Grow(w * h * 3)
	var runFg lipgloss.TerminalColor
	open := false
	closeRun := func() {
		if open {
			b.WriteString(c.fgCodes(runFg, lipgloss.Style{}).post)
			open = false
		}
		runFg = nil
	}
	for y := 0; y < h; y++ {
		if y > 0 {
			closeRun()
			b.WriteByte('\n')
		}
		for x := 0; x < w; x++ {
			cell := m.Cell(canvas.Point{X: x, Y: y})
			r := cell.Rune
			if r == 0 || r == ' ' {
				b.WriteByte(' ') // a blank joins any run: spaces show no colour
				continue
			}
			fg := cell.Style.GetForeground()
			if _, none := fg.(lipgloss.NoColor); none {
				fg = nil
			}
			if fg != runFg {
				closeRun()
				if fg != nil {
					b.WriteString(c.fgCodes(fg, cell.Style).pre)
					runFg, open = fg, true
				}
			}
			b.WriteRune(r)
		}
	}
	closeRun()
	return b.String()
}

// fgCodes returns, once per colour, the escape codes of a style with that
// foreground (computing them costs a colour conversion each time).
func (c *Common) fgCodes(fg lipgloss.TerminalColor, st lipgloss.Style) styleCodes {
	if sc, ok := c.codes[fg]; ok {
		return sc
	}
	sc := codes(st)
	c.codes[fg] = sc
	return sc
}

// legend names a measured series (solid) and its theory (dashed) in
// their colours.
func legend(d *drawer, measured, theory string) string {
	return d.S().Series[0].Render("━ "+measured) + "  " + d.S().Series[1].Render(dashed.mark()+" "+theory)
}
