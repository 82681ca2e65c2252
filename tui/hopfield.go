package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// hopfield is the Hopfield screen: the spin grid recalling a memory one
// neuron at a time, its energy, its overlaps with every memory, drawing and
// storing patterns by hand, and the capacity experiment.
type hopfield struct {
	c       *Common
	l       columns
	net     *models.Hopfield
	capa    *models.Capacity
	cross   []models.CrosstalkRow
	energy  plot
	curve   plot
	eTrace  trace
	editing bool
	cursor  int
	spins   spinCodes
	msg     string
	// where the grid was drawn, for mouse clicks (body coordinates), and
	// how many spins a character holds across and down
	gridX, gridY, cellW, cellH int
}

var (
	editKey  = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "draw"))
	sweepKey = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "one sweep"))
)

func newHopfieldScreen(c *Common, t *topic.Topic, v topic.Values, seed uint64) Screen {
	s := &hopfield{c: c, spins: newSpinCodes(c)}
	s.energy.c, s.curve.c = c, c
	return newRunner(c, t, legacyOf(func() sim { return s }), v, seed, 2)
}

func (s *hopfield) reset(v topic.Values, seed uint64) error {
	if v.Bool("capacity") {
		cp, err := models.NewCapacity(topic.CapacityParams(v), seed)
		if err != nil {
			return err
		}
		s.capa, s.net, s.editing = cp, nil, false
		s.cross = models.CrosstalkTable(cp.Params().N, seed)
		return nil
	}
	net, err := models.NewHopfield(topic.HopfieldParams(v), seed)
	if err != nil {
		return err
	}
	s.net, s.capa, s.msg = net, nil, ""
	s.cursor = min(s.cursor, v.Int("n")-1)
	s.eTrace.reset()
	s.eTrace.add(0, net.E)
	return nil
}

func (s *hopfield) step() {
	if s.capa != nil {
		s.capa.Step()
		return
	}
	s.net.Step()
	s.eTrace.add(float64(s.net.Updates), s.net.E)
}

func (s *hopfield) setSize(w, h int) {
	s.l = columns{w, h}
	s.energy.setSize(s.l.rightW()-2, s.l.rightH(0, 2)-3)
	s.curve.setSize(s.l.leftW()-2, s.l.mainH()-3)
}

func (s *hopfield) panelSize() (int, int) { return s.l.panelSize() }
func (s *hopfield) tabs() []string        { return []string{"Theory"} }

func (s *hopfield) keys() []key.Binding {
	if s.capa != nil {
		return nil
	}
	return []key.Binding{sweepKey, editKey}
}

// modal: while drawing, the screen takes the keys the runner would.
func (s *hopfield) modal() bool { return s.editing }

func (s *hopfield) key(msg tea.KeyMsg) bool {
	if s.net == nil {
		return false
	}
	if !s.editing {
		switch {
		case key.Matches(msg, editKey):
			s.editing, s.msg = true, ""
			return true
		case key.Matches(msg, sweepKey):
			for range s.net.Params().N {
				s.step()
			}
			return true
		}
		return false
	}
	w, _ := models.GridSize(s.net.Params().N)
	n := s.net.Params().N
	switch msg.String() {
	case "e":
		s.editing = false
	case "up", "k":
		if s.cursor-w >= 0 {
			s.cursor -= w
		}
	case "down", "j":
		if s.cursor+w < n {
			s.cursor += w
		}
	case "left", "h":
		if s.cursor%w > 0 {
			s.cursor--
		}
	case "right", "l":
		if s.cursor%w < w-1 && s.cursor+1 < n {
			s.cursor++
		}
	case " ", "x":
		s.net.Toggle(s.cursor)
	case "c":
		blank := make([]float64, n)
		s.net.SetState(blank)
	case "enter":
		if err := s.net.Store(s.net.S); err != nil {
			s.msg = err.Error()
		} else {
			s.msg = fmt.Sprintf("stored as memory %d", len(s.net.Xi))
		}
	default:
		return false
	}
	s.eTrace.add(float64(s.net.Updates), s.net.E)
	return true
}

// mouse toggles the spin under a click on the grid (body coordinates).
func (s *hopfield) mouse(x, y int) bool {
	if s.net == nil {
		return false
	}
	w, h := models.GridSize(s.net.Params().N)
	if x < s.gridX || y < s.gridY || s.cellW == 0 {
		return false
	}
	col, row := (x-s.gridX)*s.cellW, (y-s.gridY)*s.cellH
	if col >= w || row >= h {
		return false
	}
	// a character holds several spins: a click toggles its top-left one
	// and puts the cursor there, from where the arrows reach the others
	i := row*w + col
	if i >= s.net.Params().N {
		return false
	}
	s.cursor = i
	s.net.Toggle(i)
	s.eTrace.add(float64(s.net.Updates), s.net.E)
	return true
}

func (s *hopfield) status() string {
	if s.capa != nil {
		n := 0
		for _, t := range s.capa.Trials {
			n += t
		}
		return fmt.Sprintf("%d recall trials at N = %d", n, s.capa.Params().N)
	}
	h := s.net
	out := fmt.Sprintf("updates %d (%.1f sweeps) · flips %d · H %.2f", h.Updates, float64(h.Updates)/float64(h.Params().N), h.Flips, h.E)
	if s.editing {
		out = "drawing · " + out
	}
	return out
}

func (s *hopfield) redraw(v topic.Values, live bool) {
	if s.l.w == 0 {
		return
	}
	if s.capa != nil {
		s.drawCapacity()
		return
	}
	s.net.Temp(v.Float("temp")) // a live parameter: applies without a restart
	xmax := math.Max(float64(s.net.Params().N), float64(s.net.Updates))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range s.eTrace.ys {
		lo, hi = math.Min(lo, e), math.Max(hi, e)
	}
	pad := math.Max((hi-lo)*0.1, 1)
	s.energy.draw([2]float64{0, xmax}, [2]float64{lo - pad, hi + pad},
		series{xs: s.eTrace.xs, ys: s.eTrace.ys, style: s.c.S.Series[0]})
}

func (s *hopfield) drawCapacity() {
	c := s.capa
	var mx, my, rx, ry []float64
	for i, load := range models.CapacityLoads {
		if c.Trials[i] == 0 {
			continue
		}
		m, _, r := c.Mean(i)
		mx, my = append(mx, load), append(my, m)
		rx, ry = append(rx, load), append(ry, r)
	}
	s.curve.draw([2]float64{0, 0.32}, [2]float64{0, 1.05},
		series{xs: []float64{models.AlphaC, models.AlphaC}, ys: []float64{0, 1.05}, style: s.c.S.Dim},
		series{xs: mx, ys: my, style: s.c.S.Series[0]},
		series{xs: rx, ys: ry, style: s.c.S.Series[2]},
		series{xs: mx, ys: my, style: s.c.S.Series[0], glyph: '●'})
}

func (s *hopfield) body(panel func(h int) string) string {
	if s.capa != nil {
		return s.capacityBody(panel)
	}
	l, h := s.l, s.net
	p := h.Params()
	gw, gh := models.GridSize(p.N)
	inner := l.mainH() - 2
	grid, cw, ch := s.spins.render(h.S, gw, gh, h.Last.I, s.cursorIndex(), inner-2)
	s.cellW, s.cellH = cw, ch
	lines := strings.Split(grid, "\n")
	if len(lines) > inner-2 { // cut the grid, keep the two lines below it
		lines = lines[:max(0, inner-2)]
	}
	// centre the grid in the box
	padTop := max(0, (inner-2-len(lines))/2)
	padLeft := max(0, (l.leftW()-2-(gw+cw-1)/cw)/2)
	s.gridX, s.gridY = 1+padLeft, 1+padTop // inside the box's border, in body coordinates
	var b strings.Builder
	for range padTop {
		b.WriteByte('\n')
	}
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat(" ", padLeft) + line)
	}
	for range inner - 2 - padTop - len(lines) {
		b.WriteByte('\n')
	}
	k, m, mixture := h.Settled()
	state := fmt.Sprintf("closest memory: %d (m = %+.2f)", k+1, m)
	if h.Stable() {
		switch {
		case mixture:
			state = fmt.Sprintf("fixed point, spurious: no memory has |m| ≥ 0.9 (best %d, m = %+.2f)", k+1, m)
		case m < 0:
			state = fmt.Sprintf("fixed point: the reversed memory −ξ%d (m = %+.2f), also a minimum of H", k+1, m)
		default:
			state = fmt.Sprintf("fixed point: memory %d recalled (m = %+.2f)", k+1, m)
		}
	}
	legend := s.c.S.Dim.Render("█ +1  blank −1  ") + s.c.S.Warn.Render("coloured: last update")
	if s.editing {
		legend = s.c.S.Accent.Render("drawing: arrows move, space flips, c clears, enter stores, e ends")
	}
	title := fmt.Sprintf("%d neurons, %d %s memories, %s rule, T = %s", p.N, len(h.Xi), p.Kind, p.Rule, num(p.Temp))
	main := s.c.box(title, b.String()+"\n"+state+"\n"+legend, l.leftW(), l.mainH(), s.editing)
	energy := s.c.chartBox("energy H = −½ Σ S_i J_ij S_j against updates", &s.energy,
		s.c.S.Series[0].Render(fmt.Sprintf("━ H = %.2f", h.E))+s.c.S.Dim.Render("  (never rises at T = 0)"), l.rightW(), l.rightH(0, 2))
	over := s.c.box("overlaps m_μ = (1/N) Σ ξ_i^μ S_i", s.overlapBars(l.rightW()-2, l.rightH(1, 2)-2), l.rightW(), l.rightH(1, 2), false)
	return l.compose(main, s.lastUpdate(l.leftW()-1), panel, energy, over)
}

func (s *hopfield) cursorIndex() int {
	if s.editing {
		return s.cursor
	}
	return -1
}

// overlapBars draws one bar per memory, as many as fit.
func (s *hopfield) overlapBars(w, h int) string {
	ms := s.net.Overlaps()
	p := s.net.Params()
	target := p.Target - 1
	barW := max(4, w-16)
	var lines []string
	for k, m := range ms {
		if len(lines) == h-1 && k < len(ms)-1 {
			lines = append(lines, s.c.S.Dim.Render(fmt.Sprintf("… and %d more", len(ms)-k)))
			break
		}
		n := int(math.Round(math.Abs(m) * float64(barW)))
		bar := strings.Repeat("█", n) + strings.Repeat("·", barW-n)
		label := fmt.Sprintf("ξ%-3d", k+1)
		line := fmt.Sprintf("%s %s %+.2f", label, bar, m)
		switch {
		case k == target:
			line = s.c.S.Accent.Render(line + " cued")
		case m < 0:
			line = s.c.S.Dim.Render(line)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func (s *hopfield) lastUpdate(w int) string {
	if s.msg != "" {
		return s.c.S.Accent.Render(wrap(s.msg, w))
	}
	h := s.net
	l := h.Last
	if l.I < 0 {
		return s.c.S.Dim.Render(wrap("press n to update one neuron and see its local field, e to draw a cue", w))
	}
	gw, _ := models.GridSize(h.Params().N)
	head := fmt.Sprintf("neuron %d (row %d, col %d): a = Σ_j J_ij S_j = %+.3f", l.I, l.I/gw+1, l.I%gw+1, l.Field)
	var rule string
	if math.IsNaN(l.ProbUp) {
		rule = fmt.Sprintf("S ← sign(a): %+.0f → %+.0f", l.Old, l.New)
	} else {
		rule = fmt.Sprintf("P(S=+1) = 1/(1+e^(−2a/T)) = %.3f: %+.0f → %+.0f", l.ProbUp, l.Old, l.New)
	}
	if l.Old != l.New {
		rule += fmt.Sprintf(", flipped: ΔH = %+.3f", l.DeltaE)
		return s.c.S.Warn.Render(wrap(head, w)) + "\n" + s.c.S.Warn.Render(wrap(rule, w))
	}
	return wrap(head, w) + "\n" + s.c.S.Dim.Render(wrap(rule+", unchanged", w))
}

func (s *hopfield) capacityBody(panel func(h int) string) string {
	l, c := s.l, s.capa
	N := c.Params().N
	kind := "random"
	if c.Params().Bias > 0 {
		kind = fmt.Sprintf("biased (%.2f)", c.Params().Bias)
	}
	legend := s.c.S.Series[0].Render("● mean final overlap") + "  " + s.c.S.Series[2].Render(fmt.Sprintf("━ recalled (m ≥ %.2f)", models.RecallThreshold)) +
		"  " + s.c.S.Dim.Render(fmt.Sprintf("│ α_c ≈ %.3f", models.AlphaC))
	main := s.c.box(fmt.Sprintf("recall against load p/N, N = %d, %s, cue %.0f%% flipped", N, kind, 100*c.Params().Flip),
		s.curve.view()+"\n"+legend+"\n"+s.c.S.Dim.Render("Amit, Gutfreund and Sompolinsky (1985): recall fails past 0.138 N; finite N blurs the edge"),
		l.leftW(), l.mainH(), false)
	rows := []string{fmt.Sprintf("%5s %5s %5s %12s %8s", "p/N", "p", "tries", "overlap", "recalled")}
	for i, load := range models.CapacityLoads {
		if c.Trials[i] == 0 {
			rows = append(rows, fmt.Sprintf("%5.2f %5d %5d %12s %8s", load, c.P(i), 0, "–", "–"))
			continue
		}
		m, se, r := c.Mean(i)
		rows = append(rows, fmt.Sprintf("%5.2f %5d %5d %6.3f±%.3f %8.2f", load, c.P(i), c.Trials[i], m, se, r))
	}
	table := s.c.box("measured", strings.Join(rows, "\n"), l.rightW(), l.rightH(0, 2), false)
	cr := []string{
		"signal 1, crosstalk sd √((p−1)/N); bit errors Φ(−√(N/p))",
		fmt.Sprintf("%5s %7s %7s %8s %8s", "p/N", "sd", "√(p−1/N)", "errors", "Φ"),
	}
	for _, r := range s.cross {
		cr = append(cr, fmt.Sprintf("%5.3f %7.4f %7.4f %8.5f %8.5f", r.Load, r.SD, r.SDTheory, r.Errors, r.ErrorsTheory))
	}
	snr := s.c.box("signal to noise, measured at N = "+fmt.Sprint(N), strings.Join(cr, "\n"), l.rightW(), l.rightH(1, 2), false)
	return l.compose(main, s.capacityUpdate(l.leftW()-1), panel, table, snr)
}

func (s *hopfield) capacityUpdate(w int) string {
	c := s.capa
	if load, sweeps, m, ok := c.Running(); ok {
		return s.c.S.Accent.Render(wrap(fmt.Sprintf("trial at p/N = %.2f (p = %d): sweep %d, overlap %+.3f", models.CapacityLoads[load], c.P(load), sweeps, m), w))
	}
	n := 0
	for _, t := range c.Trials {
		n += t
	}
	if n == 0 {
		return s.c.S.Dim.Render(wrap("press n for one sweep of a recall trial, space to run many", w))
	}
	return s.c.S.Accent.Render(wrap(fmt.Sprintf("last trial: p/N = %.2f, final overlap %+.3f after %d sweeps",
		models.CapacityLoads[c.LastLoad], c.LastM, c.LastSweeps), w))
}

func (s *hopfield) panel(name string, v topic.Values, w, h int) string {
	return wrap(`Neurons S_i = ±1. Hebb: J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ, J_ii = 0. Local field a_i = Σ_j J_ij S_j; update S_i ← sign(a_i). Energy H = −½ Σ S_i J_ij S_j never rises, so the state runs downhill into a minimum: a stored memory (content-addressable recall from a partial cue), its reverse −ξ, or a spurious mixture.
Signal and noise: for a stored pattern a_i ξ_i = 1 + crosstalk of sd √((p−1)/N), so memories fail near p ≈ 0.138 N (capacity experiment: set capacity on).
Letters share their blank background: correlated patterns raise the crosstalk, so try 4 letters with hebb, then projection, J = Ξ(ΞᵀΞ)⁻¹Ξᵀ, which stores up to N.
T > 0: P(S_i=+1) = 1/(1+e^(−2a_i/T)), Boltzmann-machine dynamics; raise T to watch the memory melt.`, w)
}

// spinCodes are the escape codes of the spin grid's colours.
type spinCodes struct{ on, hit, cur styleCodes }

func newSpinCodes(c *Common) spinCodes {
	return spinCodes{on: codes(c.S.Accent), hit: codes(c.S.Warn), cur: codes(c.S.Bad)}
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
