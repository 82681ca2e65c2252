package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// The Hopfield topic has two units: recall, the spin grid recalling a
// memory one neuron at a time with its energy and overlaps, and drawing and
// storing patterns by hand; and the capacity experiment.

func newHopfield(exp string) unit {
	if exp == "true" {
		return &capacity{}
	}
	return &hopfield{}
}

type hopfieldPanel struct{}

func (hopfieldPanel) tabs() []string                          { return []string{"Theory"} }
func (hopfieldPanel) panel(_ *drawer, _ string, w int) string { return wrap(hopfieldTheory, w) }

// hopfield is recall in one net. The cue being drawn and the cursor are
// part of the state: a room follows the presenter's drawing.
type hopfield struct {
	hopfieldPanel
	net     *models.Hopfield
	eTrace  trace // energy against updates
	editing bool
	cursor  int
	msg     string
}

var (
	editKey  = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "draw"))
	sweepKey = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "one sweep"))
	// the keys of drawing mode
	drawUp    = key.NewBinding(key.WithKeys("up", "k"))
	drawDown  = key.NewBinding(key.WithKeys("down", "j"))
	drawLeft  = key.NewBinding(key.WithKeys("left", "h"))
	drawRight = key.NewBinding(key.WithKeys("right", "l"))
	drawFlip  = key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space", "flip"))
	drawClear = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clear"))
	drawStore = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "store as a memory"))
	drawEnd   = key.NewBinding(key.WithKeys("e", "esc"), key.WithHelp("e/esc", "end drawing"))
	// what the help and the bottom bar show of them
	drawKeys = []key.Binding{
		key.NewBinding(key.WithKeys("up", "down", "left", "right"), key.WithHelp("←↑↓→", "move")),
		drawFlip, drawClear, drawStore, drawEnd,
	}
)

func (s *hopfield) reset(v topic.Values, seed uint64) error {
	p := topic.HopfieldParams(v)
	net, err := models.NewHopfield(p, seed)
	if err != nil {
		return err
	}
	s.net, s.msg = net, ""
	s.cursor = min(s.cursor, p.N-1)
	s.eTrace.reset()
	s.eTrace.add(0, net.E)
	return nil
}

// live applies the temperature, a live parameter.
func (s *hopfield) live(v topic.Values) { s.net.Temp(topic.HopfieldParams(v).Temp) }

func (s *hopfield) step() {
	s.net.Step()
	s.eTrace.add(float64(s.net.Updates), s.net.E)
}

func (s *hopfield) keys() []key.Binding      { return []key.Binding{sweepKey, editKey} }
func (s *hopfield) modalKeys() []key.Binding { return drawKeys }

// modal: while drawing, the unit takes the keys the runner would.
func (s *hopfield) modal() bool { return s.editing }

func (s *hopfield) key(msg tea.KeyMsg) bool {
	n := s.net.Params().N
	if !s.editing {
		switch {
		case key.Matches(msg, editKey):
			s.editing, s.msg = true, ""
			return true
		case key.Matches(msg, sweepKey):
			for range n {
				s.step()
			}
			return true
		}
		return false
	}
	w, _ := models.GridSize(n)
	switch {
	case key.Matches(msg, drawEnd):
		s.editing = false
	case key.Matches(msg, drawUp):
		if s.cursor-w >= 0 {
			s.cursor -= w
		}
	case key.Matches(msg, drawDown):
		if s.cursor+w < n {
			s.cursor += w
		}
	case key.Matches(msg, drawLeft):
		if s.cursor%w > 0 {
			s.cursor--
		}
	case key.Matches(msg, drawRight):
		if s.cursor%w < w-1 && s.cursor+1 < n {
			s.cursor++
		}
	case key.Matches(msg, drawFlip):
		s.net.Toggle(s.cursor)
	case key.Matches(msg, drawClear):
		s.net.SetState(make([]float64, n))
	case key.Matches(msg, drawStore):
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

// toggle flips spin i under a click and puts the cursor there, from where
// the arrows reach the others.
func (s *hopfield) toggle(i int) {
	s.cursor = i
	s.net.Toggle(i)
	s.eTrace.add(float64(s.net.Updates), s.net.E)
}

func (s *hopfield) status() string {
	h := s.net
	out := fmt.Sprintf("updates %d (%.1f sweeps) · flips %d · H %.2f", h.Updates, float64(h.Updates)/float64(h.Params().N), h.Flips, h.E)
	if s.editing {
		out = "drawing · " + out
	}
	return out
}

func (s *hopfield) layout(d *drawer) layout {
	h, S := s.net, d.S()
	p := h.Params()
	legend := S.Warn.Render("coloured: the last update")
	if s.editing {
		legend = S.Accent.Render("drawing: arrows move, space flips, c clears, enter stores, e ends")
	}
	main := s.gridBox(d)
	main.title = fmt.Sprintf("N = %d · %d %s · %s · T = %s", p.N, len(h.Xi), p.Kind, p.Rule, num(p.Temp))
	main.legend = s.settled() + "\n" + legend
	main.focused = s.editing
	return layout{
		main:   main,
		update: s.lastUpdate(d),
		right: []box{
			d.chart("energy", "energy H = −½ Σ S_i J_ij S_j against updates",
				S.Series[0].Render(fmt.Sprintf("━ H = %.2f", h.E))+S.Dim.Render("  (never rises at T = 0)"), s.drawEnergy),
			{title: "overlaps m_μ = (1/N) Σ ξ_i^μ S_i", draw: func(w, hh int) string { return s.overlapBars(d, w, hh) }},
		},
	}
}

// gridBox draws the spins as large as the box allows, centred, and maps
// clicks back to spins.
func (s *hopfield) gridBox(d *drawer) box {
	var x0, y0, zoom, cw, ch int // where this view drew the grid and how
	gw, gh := models.GridSize(s.net.Params().N)
	b := box{}
	b.draw = func(w, h int) string {
		sc := newSpinCodes(d.S())
		cursor := -1
		if s.editing {
			cursor = s.cursor
		}
		var pic string
		if zoom = spinZoom(gw, gh, w, h); zoom > 0 {
			pic = sc.renderZoomed(s.net.S, gw, gh, s.net.Last.I, cursor, zoom)
		} else {
			pic, cw, ch = sc.render(s.net.S, gw, gh, s.net.Last.I, cursor, h)
		}
		lines := strings.Split(pic, "\n")
		lines = lines[:min(len(lines), h)]
		pw := 0
		for _, l := range lines {
			pw = max(pw, ansi.StringWidth(l))
		}
		// what a cell is, beside the grid where there is room
		key := []string{"█ +1, blank −1", "a cell: 1×2 spins"}
		switch {
		case zoom > 0:
			key[1] = fmt.Sprintf("a spin: %d×%d cells", 2*zoom, zoom)
		case cw == 2:
			key = []string{"a dot: +1", "a cell: 2×4 spins"}
		}
		if w-pw >= 20 {
			for i := range key {
				if i < len(lines) {
					lines[i] += strings.Repeat(" ", pw-ansi.StringWidth(lines[i])+2) + d.S().Dim.Render(key[i])
				}
			}
			pw += 2 + 17
		}
		x0, y0 = max(0, (w-pw)/2), max(0, (h-len(lines))/2)
		pad := strings.Repeat(" ", x0)
		for i := range lines {
			lines[i] = pad + lines[i]
		}
		return strings.Repeat("\n", y0) + strings.Join(lines, "\n")
	}
	b.click = func(x, y int) bool {
		x, y = x-x0, y-y0
		if x < 0 || y < 0 {
			return false
		}
		var col, row int
		if zoom > 0 {
			col, row = x/(2*zoom), y/zoom
		} else if cw > 0 {
			col, row = x*cw, y*ch
		} else {
			return false
		}
		if col >= gw || row >= gh || row*gw+col >= s.net.Params().N {
			return false
		}
		s.toggle(row*gw + col)
		return true
	}
	return b
}

// settled says where the state is: a memory, its reverse, or a mixture.
func (s *hopfield) settled() string {
	h := s.net
	k, m, mixture := h.Settled()
	if !h.Stable() {
		return fmt.Sprintf("closest memory: %d (m = %+.2f)", k+1, m)
	}
	switch {
	case mixture:
		return fmt.Sprintf("fixed point, spurious: no memory has |m| ≥ 0.9 (best %d, m = %+.2f)", k+1, m)
	case m < 0:
		return fmt.Sprintf("fixed point: the reversed memory −ξ%d (m = %+.2f), also a minimum of H", k+1, m)
	}
	return fmt.Sprintf("fixed point: memory %d recalled (m = %+.2f)", k+1, m)
}

func (s *hopfield) drawEnergy(p *plot) string {
	p.xName, p.yName = "updates", "H"
	xmax := math.Max(float64(s.net.Params().N), float64(s.net.Updates))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range s.eTrace.ys {
		lo, hi = math.Min(lo, e), math.Max(hi, e)
	}
	pad := math.Max((hi-lo)*0.1, 1)
	p.draw([2]float64{0, xmax}, [2]float64{lo - pad, hi + pad},
		series{xs: s.eTrace.xs, ys: s.eTrace.ys, style: p.c.S.Series[0]})
	return ""
}

// overlapBars draws one bar per memory, as many as fit.
func (s *hopfield) overlapBars(d *drawer, w, h int) string {
	ms := s.net.Overlaps()
	target := s.net.Params().Target - 1
	barW := max(4, w-16)
	var lines []string
	for k, m := range ms {
		if len(lines) == h-1 && k < len(ms)-1 {
			lines = append(lines, d.S().Dim.Render(fmt.Sprintf("… and %d more", len(ms)-k)))
			break
		}
		n := int(math.Round(math.Abs(m) * float64(barW)))
		bar := strings.Repeat("█", n) + strings.Repeat("·", barW-n)
		line := fmt.Sprintf("ξ%-3d %s %+.2f", k+1, bar, m)
		switch {
		case k == target:
			line = d.S().Accent.Render(line + " cued")
		case m < 0:
			line = d.S().Dim.Render(line)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func (s *hopfield) lastUpdate(d *drawer) string {
	S := d.S()
	if s.msg != "" {
		return S.Accent.Render(s.msg)
	}
	h := s.net
	l := h.Last
	if l.I < 0 {
		return S.Dim.Render("press n to update one neuron and see its local field, e to draw a cue")
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
		return S.Warn.Render(head + "\n" + rule + fmt.Sprintf(", flipped: ΔH = %+.3f", l.DeltaE))
	}
	return head + "\n" + S.Dim.Render(rule+", unchanged")
}

// capacity is the capacity experiment: recall trials at loads p/N around
// α_c, with the crosstalk's signal to noise measured beside them.
type capacity struct {
	hopfieldPanel
	c     *models.Capacity
	cross []models.CrosstalkRow
}

func (s *capacity) reset(v topic.Values, seed uint64) error {
	c, err := models.NewCapacity(topic.CapacityParams(v), seed)
	if err != nil {
		return err
	}
	s.c, s.cross = c, models.CrosstalkTable(c.Params().N, seed)
	return nil
}

func (s *capacity) step()          { s.c.Step() }
func (s *capacity) tabs() []string { return []string{"Signal to noise", "Theory"} }

func (s *capacity) panel(d *drawer, name string, w int) string {
	if name == "Signal to noise" {
		return fmt.Sprintf("measured at N = %d\n", s.c.Params().N) + s.signalToNoise(w, 100)
	}
	return wrap(hopfieldTheory, w)
}
func (s *capacity) keys() []key.Binding { return nil }
func (s *capacity) key(tea.KeyMsg) bool { return false }

func (s *capacity) trials() int { return sum(s.c.Trials) }

func (s *capacity) status() string {
	return fmt.Sprintf("%d recall trials at N = %d", s.trials(), s.c.Params().N)
}

func (s *capacity) layout(d *drawer) layout {
	c, S := s.c, d.S()
	N := c.Params().N
	kind := "random"
	if c.Params().Bias > 0 {
		kind = fmt.Sprintf("biased (%.2f)", c.Params().Bias)
	}
	legend := S.Series[0].Render("● mean final overlap") + "  " + S.Series[2].Render(fmt.Sprintf("┈ recalled (m ≥ %.2f)", models.RecallThreshold)) +
		"  " + S.Dim.Render(fmt.Sprintf("│ α_c ≈ %.3f", models.AlphaC))
	return layout{
		main: d.chart("recall", fmt.Sprintf("recall against load p/N · N = %d · %s · cue %.0f%% flipped", N, kind, 100*c.Params().Flip),
			legend, s.drawCurve),
		update: s.lastUpdate(d),
		right: []box{
			{title: "measured", min: len(models.CapacityLoads) + 1, draw: s.measured},
			{title: fmt.Sprintf("signal to noise at N = %d", N), min: len(s.cross) + 3, optional: true, draw: s.signalToNoise},
		},
	}
}

func (s *capacity) drawCurve(p *plot) string {
	p.xName, p.yName = "p/N", "overlap"
	c, S := s.c, p.c.S
	var mx, my, rx, ry []float64
	for i, load := range models.CapacityLoads {
		if c.Trials[i] == 0 {
			continue
		}
		m, _, r := c.Mean(i)
		mx, my = append(mx, load), append(my, m)
		rx, ry = append(rx, load), append(ry, r)
	}
	p.draw([2]float64{0, 0.32}, [2]float64{0, 1.05},
		series{xs: []float64{models.AlphaC, models.AlphaC}, ys: []float64{0, 1.05}, style: S.Dim, dash: dotted},
		series{xs: mx, ys: my, style: S.Series[0]},
		series{xs: rx, ys: ry, style: S.Series[2], dash: dotted},
		series{xs: mx, ys: my, style: S.Series[0], glyph: '●'})
	return ""
}

func (s *capacity) measured(w, h int) string {
	c := s.c
	var rows [][]string
	for i, load := range models.CapacityLoads {
		row := []string{fmt.Sprintf("%.2f", load), fmt.Sprint(c.P(i)), fmt.Sprint(c.Trials[i]), "–", "–"}
		if c.Trials[i] > 0 {
			m, se, r := c.Mean(i)
			row[3], row[4] = fmt.Sprintf("%.3f±%.3f", m, se), fmt.Sprintf("%.2f", r)
		}
		rows = append(rows, row)
	}
	return table([]string{"p/N", "p", "tries", "overlap", "recalled"}, rows, w, h)
}

func (s *capacity) signalToNoise(w, h int) string {
	var rows [][]string
	for _, r := range s.cross {
		rows = append(rows, []string{fmt.Sprintf("%.3f", r.Load), fmt.Sprintf("%.4f", r.SD), fmt.Sprintf("%.4f", r.SDTheory),
			fmt.Sprintf("%.5f", r.Errors), fmt.Sprintf("%.5f", r.ErrorsTheory)})
	}
	head := wrap("signal 1, crosstalk sd √((p−1)/N); bit errors Φ(−√(N/p))", w)
	n := strings.Count(head, "\n") + 1
	return head + "\n" + table([]string{"p/N", "sd", "√((p−1)/N)", "errors", "Φ"}, rows, w, h-n)
}

func (s *capacity) lastUpdate(d *drawer) string {
	c, S := s.c, d.S()
	if load, sweeps, m, ok := c.Running(); ok {
		return S.Accent.Render(fmt.Sprintf("trial at p/N = %.2f (p = %d): sweep %d, overlap %+.3f", models.CapacityLoads[load], c.P(load), sweeps, m))
	}
	if s.trials() == 0 {
		return S.Dim.Render("press n for one sweep of a recall trial, space to run many")
	}
	return S.Accent.Render(fmt.Sprintf("last trial: p/N = %.2f, final overlap %+.3f after %d sweeps",
		models.CapacityLoads[c.LastLoad], c.LastM, c.LastSweeps))
}

const hopfieldTheory = `Neurons S_i = ±1. Hebb: J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ, J_ii = 0. Local field a_i = Σ_j J_ij S_j; update S_i ← sign(a_i). Energy H = −½ Σ S_i J_ij S_j never rises, so the state runs downhill into a minimum: a stored memory (content-addressable recall from a partial cue), its reverse −ξ, or a spurious mixture.
Signal and noise: for a stored pattern a_i ξ_i = 1 + crosstalk of sd √((p−1)/N), so memories fail near p ≈ 0.138 N (Amit, Gutfreund and Sompolinsky 1985; capacity experiment: set capacity on, where finite N blurs the edge).
Letters share their blank background: correlated patterns raise the crosstalk, so try 4 letters with hebb, then projection, J = Ξ(ΞᵀΞ)⁻¹Ξᵀ, which stores up to N.
T > 0: P(S_i=+1) = 1/(1+e^(−2a_i/T)), Boltzmann-machine dynamics; raise T to watch the memory melt.`
