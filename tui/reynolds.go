package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/sims"
	"github.com/jclub/jclub/topic"
)

// reynolds is the low-Reynolds-number screen: the scallop in two fluids,
// the three-sphere swimmer with its loop in shape space, or run-and-tumble
// cells; with Purcell's calculator and S number in side panels.
type reynolds struct {
	c      *Common
	l      columns
	model  string
	sc     *sims.Scallop
	sw     *sims.ThreeSphere
	rt     *sims.RunTumble
	top    plot
	bottom plot
	field  *field
	scale  float64
	// the scallops' midpoints over time, and the swimmer's speed against φ
	lowT, highT  trace
	phis, speeds []float64
	drift        trace
	fieldOut     string
}

func newReynoldsScreen(c *Common, t *topic.Topic, v topic.Values, seed uint64) Screen {
	s := &reynolds{c: c, field: newField(c)}
	s.top.c, s.bottom.c = c, c
	return newRunner(c, t, legacyOf(func() sim { return s }), v, seed, 2)
}

func (s *reynolds) reset(v topic.Values, seed uint64) error {
	model := v.Choice("model")
	var err error
	var sc *sims.Scallop
	var sw *sims.ThreeSphere
	var rt *sims.RunTumble
	switch model {
	case topic.ModelScallop:
		sc, err = sims.NewScallop(topic.ScallopParams(v))
	case topic.ModelSwimmer:
		sw, err = sims.NewThreeSphere(topic.SwimmerParams(v))
	default:
		rt, err = sims.NewRunTumble(topic.RunTumbleParams(v), seed)
	}
	if err != nil {
		return err
	}
	s.model, s.sc, s.sw, s.rt, s.scale = model, sc, sw, rt, 0
	s.lowT.reset()
	s.highT.reset()
	s.drift.reset()
	if sw != nil {
		// the swimmer's net speed over a range of phase lags, each one stroke
		s.phis, s.speeds = nil, nil
		p := sw.Params()
		for k := -12; k <= 12; k++ {
			p.Phase = math.Pi * float64(k) / 12
			if v, err := sims.MeanSpeed(p); err == nil {
				s.phis, s.speeds = append(s.phis, p.Phase), append(s.speeds, v)
			}
		}
	}
	s.record()
	return nil
}

func (s *reynolds) record() {
	switch {
	case s.sc != nil:
		s.lowT.add(s.sc.T, s.sc.MidLow())
		s.highT.add(s.sc.T, s.sc.MidHigh())
	case s.rt != nil:
		m, _ := s.rt.MeanX()
		s.drift.add(s.rt.T(), m)
	case s.sw != nil:
		s.lowT.add(s.sw.T, s.sw.Centre())
	}
}

func (s *reynolds) step() {
	switch {
	case s.sc != nil:
		s.sc.Step()
	case s.sw != nil:
		s.sw.Step()
	default:
		s.rt.Step()
	}
	s.record()
}

func (s *reynolds) setSize(w, h int) {
	s.l = columns{w, h}
	s.field.setSize(s.l.leftW()-2, s.l.mainH()-2)
	s.top.setSize(s.l.rightW()-2, s.l.rightH(0, 2)-3)
	s.bottom.setSize(s.l.rightW()-2, s.l.rightH(1, 2)-3)
}

func (s *reynolds) panelSize() (int, int) { return s.l.panelSize() }
func (s *reynolds) tabs() []string        { return []string{"Reynolds", "Purcell's S", "Theory"} }
func (s *reynolds) keys() []key.Binding   { return nil }
func (s *reynolds) key(tea.KeyMsg) bool   { return false }

func (s *reynolds) status() string {
	switch {
	case s.sc != nil:
		return fmt.Sprintf("t %.3g · cycle %d", s.sc.T, s.sc.Cycles)
	case s.sw != nil:
		return fmt.Sprintf("t %.3g · cycle %d", s.sw.T, s.sw.Cycles)
	}
	return fmt.Sprintf("t %.4g · %d tumbles", s.rt.T(), s.rt.Tumbles)
}

func (s *reynolds) redraw(v topic.Values, live bool) {
	if s.l.w == 0 {
		return
	}
	switch {
	case s.sc != nil:
		s.drawScallop()
	case s.sw != nil:
		s.drawSwimmer()
	default:
		s.drawCells()
	}
}

func (s *reynolds) drawScallop() {
	sc := s.sc
	xmax := math.Max(sc.Params().Period(), sc.T)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, y := range append(append([]float64{}, s.lowT.ys...), s.highT.ys...) {
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	pad := math.Max(0.5, (ymax-ymin)*0.1)
	s.top.draw([2]float64{0, xmax}, [2]float64{ymin - pad, ymax + pad},
		series{xs: s.lowT.xs, ys: s.lowT.ys, style: s.c.S.Series[1]},
		series{xs: s.highT.xs, ys: s.highT.ys, style: s.c.S.Series[0]})
	n := len(sc.PerLow)
	cx := make([]float64, n)
	lim := 1e-3
	for i := range cx {
		cx[i] = float64(i + 1)
		lim = math.Max(lim, math.Max(math.Abs(sc.PerLow[i]), math.Abs(sc.PerHigh[i])))
	}
	if n == 0 {
		s.bottom.clear()
		return
	}
	s.bottom.draw([2]float64{0, math.Max(5, float64(n)+1)}, [2]float64{-lim * 1.2, lim * 1.2},
		series{xs: []float64{0, math.Max(5, float64(n)+1)}, ys: []float64{0, 0}, style: s.c.S.Dim},
		series{xs: cx, ys: sc.PerLow, style: s.c.S.Series[1], glyph: '○'},
		series{xs: cx, ys: sc.PerHigh, style: s.c.S.Series[0], glyph: '●'})
}

func (s *reynolds) drawSwimmer() {
	sw := s.sw
	p := sw.Params()
	var lx, ly []float64
	for k := 0; k <= 100; k++ {
		t := 2 * math.Pi / p.Omega * float64(k) / 100
		a, b := p.Arms(t)
		lx, ly = append(lx, a), append(ly, b)
	}
	a, b := p.Arms(sw.T)
	r := math.Max(p.D1, p.D2) * 1.3
	s.top.draw([2]float64{p.L - r, p.L + r}, [2]float64{p.L - r, p.L + r},
		series{xs: lx, ys: ly, style: s.c.S.Series[1]},
		series{xs: []float64{a}, ys: []float64{b}, style: s.c.S.Warn, glyph: '●'})
	var fx, fy []float64
	q := p
	for k := 0; k <= 100; k++ {
		q.Phase = -math.Pi + 2*math.Pi*float64(k)/100
		fx, fy = append(fx, q.Phase), append(fy, q.SpeedFormula())
	}
	lim := math.Abs(q.SpeedFormula())
	for _, v := range append(fy, s.speeds...) {
		lim = math.Max(lim, math.Abs(v))
	}
	lim = math.Max(lim, 1e-12) * 1.2
	s.bottom.draw([2]float64{-math.Pi, math.Pi}, [2]float64{-lim, lim},
		series{xs: []float64{p.Phase, p.Phase}, ys: []float64{-lim, lim}, style: s.c.S.Dim},
		series{xs: fx, ys: fy, style: s.c.S.Series[1]},
		series{xs: s.phis, ys: s.speeds, style: s.c.S.Series[0], glyph: '●'})
}

func (s *reynolds) drawCells() {
	rt := s.rt
	xs, ys := rt.Positions()
	rms := math.Sqrt(math.Max(rt.MSD(), 1))
	if need := niceCeil(math.Max(2.5*rms, 5) / math.Min(1, s.field.extentY(1))); need > s.scale {
		s.scale = need
	}
	s.fieldOut, _ = s.field.draw(xs, ys, s.scale, 0)
	p := rt.Params()
	h := rt.History()
	tmax := math.Max(rt.T(), 1)
	var tx, ty []float64
	tp := p.Tau / (1 - p.MeanCos()) // persistence time
	for k := 0; k <= 100; k++ {
		t := tmax * float64(k) / 100
		tx = append(tx, t)
		ty = append(ty, 2*p.V*p.V*tp*(t-tp*(1-math.Exp(-t/tp))))
	}
	ymax := ty[len(ty)-1]
	for _, m := range h.MSD {
		ymax = math.Max(ymax, m)
	}
	s.top.draw([2]float64{0, tmax}, [2]float64{0, math.Max(ymax*1.1, 1)},
		series{xs: tx, ys: ty, style: s.c.S.Series[1]},
		series{xs: h.T, ys: h.MSD, style: s.c.S.Series[0]})
	lo, hi := -1.0, 1.0
	for _, y := range s.drift.ys {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	s.bottom.draw([2]float64{0, tmax}, [2]float64{lo * 1.2, hi * 1.2},
		series{xs: []float64{0, tmax}, ys: []float64{0, 0}, style: s.c.S.Dim},
		series{xs: s.drift.xs, ys: s.drift.ys, style: s.c.S.Series[0]})
}

func (s *reynolds) body(panel func(h int) string) string {
	l := s.l
	var main, top, bottom string
	switch {
	case s.sc != nil:
		main, top, bottom = s.scallopBoxes()
	case s.sw != nil:
		main, top, bottom = s.swimmerBoxes()
	default:
		main, top, bottom = s.cellBoxes()
	}
	return l.compose(main, s.lastUpdate(l.leftW()-1), panel, top, bottom)
}

// lane draws a two-sphere scallop on one line of width w: a big sphere at
// x1 and a small one at x2 joined by its hinge, in world window [lo, hi).
func lane(x1, x2, lo, hi float64, w int) string {
	b := []rune(strings.Repeat(" ", w))
	col := func(x float64) int { return int(math.Floor((x - lo) / (hi - lo) * float64(w))) }
	c1, c2 := col(x1), col(x2)
	for c := c1 + 1; c < c2; c++ {
		if c >= 0 && c < w {
			b[c] = '─'
		}
	}
	if c1 >= 0 && c1 < w {
		b[c1] = '◖'
	}
	if c2 >= 0 && c2 < w {
		b[c2] = '●'
	}
	return string(b)
}

func (s *reynolds) scallopBoxes() (main, top, bottom string) {
	l, sc := s.l, s.sc
	p := sc.Params()
	w := l.leftW() - 2
	tip := sc.Tip()
	th, _, pl, _ := p.Shape(sc.T)
	// a window that follows each scallop: world units, centred on its midpoint
	span := 4 * p.Plate * (1 + p.Stretch)
	draw := func(hinge, mid float64) string {
		lo := math.Floor(mid/span)*span - span/4
		return lane(hinge-tip, hinge, lo, lo+1.5*span, w) + "\n" + s.c.S.Dim.Render(fmt.Sprintf("midpoint %+.6f", mid))
	}
	var b strings.Builder
	b.WriteString(s.c.S.Series[1].Render("R ≪ 1 (syrup): no inertia") + "\n")
	b.WriteString(draw(sc.XLow, sc.MidLow()) + "\n\n")
	b.WriteString(s.c.S.Series[0].Render("R ≫ 1 (water): inertia, drag") + "\n")
	b.WriteString(draw(sc.XHigh(), sc.MidHigh()) + "\n\n")
	kind := "the same reciprocal stroke"
	if !p.Reciprocal() {
		kind = "a non-reciprocal stroke (the stretch lags the opening)"
	}
	b.WriteString(s.c.S.Dim.Render(wrap(fmt.Sprintf("%s: opening θ = %.0f°, plates %.2f; opens in %.3g, closes in %.3g (ratio %.3g)",
		kind, th*180/math.Pi, pl, p.Open, p.Close, p.Open/p.Close), w)))
	main = s.c.box("the scallop theorem", b.String(), l.leftW(), l.mainH(), false)
	top = s.c.chartBox("midpoint against time", &s.top,
		s.c.S.Series[1].Render("━ R ≪ 1")+"  "+s.c.S.Series[0].Render("━ R ≫ 1"), l.rightW(), l.rightH(0, 2))
	per := "per cycle: needs a whole stroke"
	if n := len(sc.PerLow); n > 0 {
		per = fmt.Sprintf("last cycle: R≪1 %+.1e, R≫1 %+.4f", sc.PerLow[n-1], sc.PerHigh[n-1])
	}
	legend := s.c.S.Series[1].Render("○ R ≪ 1") + "  " + s.c.S.Series[0].Render("● R ≫ 1") + "  " + per
	bottom = s.c.chartBox("net displacement per cycle", &s.bottom, legend, l.rightW(), l.rightH(1, 2))
	if s.bottom.out == "" {
		bottom = s.c.box("net displacement per cycle", "\n  "+s.c.S.Dim.Render("run a whole stroke to see the displacement per cycle")+"\n"+legend, l.rightW(), l.rightH(1, 2), false)
	}
	return main, top, bottom
}

func (s *reynolds) swimmerBoxes() (main, top, bottom string) {
	l, sw := s.l, s.sw
	p := sw.Params()
	w := l.leftW() - 2
	x := sw.Positions()
	mid := sw.Centre()
	span := 3 * p.L
	lo := math.Floor(mid/span)*span - span/2
	line := []rune(strings.Repeat(" ", w))
	col := func(v float64) int { return int(math.Floor((v - lo) / (2 * span) * float64(w))) }
	for c := col(x[0]); c <= col(x[2]); c++ {
		if c >= 0 && c < w {
			line[c] = '─'
		}
	}
	for _, xi := range x {
		if c := col(xi); c >= 0 && c < w {
			line[c] = '●'
		}
	}
	if c := col(0); c >= 0 && c < w && line[c] == ' ' {
		line[c] = '┼'
	}
	a, b := p.Arms(sw.T)
	var sb strings.Builder
	sb.WriteString("\n" + string(line) + "\n\n")
	sb.WriteString(fmt.Sprintf("arms L₁ = %.4f, L₂ = %.4f (L = %g, d = %g, a = %g)\n", a, b, p.L, p.D1, p.A))
	sb.WriteString(fmt.Sprintf("forces f = (%+.3f, %+.3f, %+.3f), Σf = %.1e\n", sw.Forces[0], sw.Forces[1], sw.Forces[2], sw.Forces[0]+sw.Forces[1]+sw.Forces[2]))
	sb.WriteString(fmt.Sprintf("centre %+.6f after %d strokes", mid, sw.Cycles))
	if n := len(sw.PerCyc); n > 0 {
		sb.WriteString(fmt.Sprintf("\nlast stroke %+.3e; formula %+.3e", sw.PerCyc[n-1], p.SpeedFormula()*2*math.Pi/p.Omega))
	}
	main = s.c.box(fmt.Sprintf("three-sphere swimmer, φ = %.2f", p.Phase), sb.String(), l.leftW(), l.mainH(), false)
	area := "the loop has area: the stroke is not reciprocal"
	if math.Abs(math.Sin(p.Phase)) < 1e-9 {
		area = "φ = 0: the loop has no area, the swimmer goes nowhere"
	}
	top = s.c.chartBox("stroke in shape space (L₁, L₂)", &s.top, s.c.S.Series[1].Render("━ loop")+"  "+s.c.S.Warn.Render("● now")+"  "+area, l.rightW(), l.rightH(0, 2))
	bottom = s.c.chartBox("net speed against φ", &s.bottom,
		s.c.S.Series[0].Render("● integrated")+"  "+s.c.S.Series[1].Render("━ (7/24)·a·d₁d₂·ω·sin φ/L²"), l.rightW(), l.rightH(1, 2))
	return main, top, bottom
}

func (s *reynolds) cellBoxes() (main, top, bottom string) {
	l, rt := s.l, s.rt
	p := rt.Params()
	title := fmt.Sprintf("run and tumble, %s turns · window ±%s", p.Tumble, num(s.scale))
	if p.G > 0 {
		title += " · attractant rises to the right →"
	}
	main = s.c.box(title, s.fieldOut, l.leftW(), l.mainH(), false)
	fit := "fit: needs more time"
	if D, se, ok := rt.FitD(20 * p.Tau); ok {
		fit = fmt.Sprintf("fit D %.3g±%.2g (theory %.3g)", D, se, p.DTheory())
	}
	top = s.c.chartBox("MSD against t", &s.top, s.c.S.Series[0].Render("━ data")+"  "+
		s.c.S.Series[1].Render("━ persistent walk")+"  "+fit, l.rightW(), l.rightH(0, 2))
	m, se := rt.MeanX()
	drift := fmt.Sprintf("⟨x⟩ = %.3g ± %.2g", m, se)
	if t := rt.T(); t > 0 {
		drift += fmt.Sprintf(", drift %.3g per unit time", m/t)
	}
	bottom = s.c.chartBox("mean position along the gradient", &s.bottom, s.c.S.Series[0].Render("━ ⟨x⟩")+"  "+drift, l.rightW(), l.rightH(1, 2))
	return main, top, bottom
}

func (s *reynolds) lastUpdate(w int) string {
	var line string
	switch {
	case s.sc != nil:
		sc := s.sc
		th, dth, l, _ := sc.Params().Shape(sc.T)
		line = fmt.Sprintf("θ %.1f°, θ̇ %+.3f, ℓ %.2f · R≪1 Ẋ %+.4f · R≫1 v %+.4f",
			th*180/math.Pi, dth, l, sc.Params().LowRate(sc.T), sc.VHigh)
	case s.sw != nil:
		line = fmt.Sprintf("force-free at every instant: Σf = %.1e; the spheres only push on each other through the fluid", s.sw.Forces[0]+s.sw.Forces[1]+s.sw.Forces[2])
	default:
		l := s.rt.Last
		if s.rt.T() == 0 {
			return s.c.S.Dim.Render(wrap("press n to advance the cells by one observation interval", w))
		}
		line = fmt.Sprintf("cell ●: %d tumble(s); heading %.0f°, tumble rate %.3g (1/τ = %.3g)", l.Tumbles, l.Theta*180/math.Pi, l.Rate, 1/s.rt.Params().Tau)
	}
	return s.c.S.Accent.Render(wrap(line, w))
}

func (s *reynolds) panel(name string, v topic.Values, w, h int) string {
	sw, fl := topic.Calculator(v)
	switch name {
	case "Reynolds":
		c := sims.Reynolds(sw.L, sw.U, sw.Density, fl.Density, fl.Eta)
		return wrap(strings.Join([]string{
			fmt.Sprintf("%s in %s: L = %s m, U = %s m/s", sw.Name, fl.Name, num(sw.L), num(sw.U)),
			fmt.Sprintf("ρ = %s kg/m³, η = %s Pa·s, ν = η/ρ = %s m²/s", num(fl.Density), num(fl.Eta), num(c.Nu)),
			s.c.S.Accent.Render(fmt.Sprintf("R = ρUL/η = %.3g", c.R)) + ": " + c.Regime,
			fmt.Sprintf("drag %.3g N (%s)", c.Drag, c.DragForm),
			coastLine(c),
			"set swimmer and fluid under Parameters",
			"",
			"in water, real cruising speeds beside Purcell's round figures:",
			swimmersInWater(),
		}, "\n"), w)
	case "Purcell's S":
		D := v.Float("diffusivity")
		S, out := sims.PurcellS(sw.U, sw.L, D)
		verdict := "S < 1: swimming does not help; the cell should wait for food to diffuse to it"
		if S > 1 {
			verdict = "S > 1: swimming beats diffusion over this distance"
		}
		return wrap(strings.Join([]string{
			"S = vℓ/D: transport by swimming over diffusion (the Péclet number)",
			fmt.Sprintf("v = %s m/s, ℓ = %s m (the swimmer's size), D = %s m²/s", num(sw.U), num(sw.L), num(D)),
			s.c.S.Accent.Render(fmt.Sprintf("S = %.3g", S)) + ": " + verdict,
			fmt.Sprintf("to outrun diffusion it must swim ℓ > D/v = %s µm", num(out*1e6)),
			"Purcell: E. coli, S ≈ 0.03, would have to swim about 30 µm",
		}, "\n"), w)
	}
	return wrap(`Navier–Stokes made dimensionless leaves R = ρUL/η = UL/ν. At R ≪ 1 it is Stokes' equation ∇p = η∇²u: no inertia, and time does not matter, only the sequence of shapes.
Scallop theorem: a reciprocal stroke (the same shapes forward then backward) gets nowhere at R ≪ 1 however fast or slow each half; with inertia it does. Here the scallop is two hinged plates under resistive force theory (ζ⊥ = 2ζ∥): Ẋ = g(θ)·θ̇, so any stroke that retraces its shapes integrates to zero. Let the plates telescope out of step with the opening (stretch, lag): the stroke encloses area in shape space and swims.
A stroke that encloses area in shape space swims: Najafi and Golestanian's three spheres with a phase lag φ, V ≈ (7/24)·a·d₁d₂·ω·sin φ/L².
E. coli runs and tumbles: D = v²τ/(d(1 − ⟨cos θ⟩)); lengthening runs up an attractant gradient makes the population drift up it.`, w)
}

// swimmersInWater lists every swimmer's R in water, one per line.
func swimmersInWater() string {
	water := sims.Fluids[0]
	var lines []string
	for _, sw := range sims.Swimmers {
		c := sims.Reynolds(sw.L, sw.U, sw.Density, water.Density, water.Eta)
		lines = append(lines, fmt.Sprintf("%s (%s m, %s m/s): R = %.2g", sw.Name, num(sw.L), num(sw.U), c.R))
	}
	return strings.Join(lines, "\n")
}

func coastLine(c sims.ReynoldsCalc) string {
	if c.Viscous {
		return fmt.Sprintf("stops pushing: coasts %s m (%.3g Å) in %s s", num(c.CoastX), c.CoastX*1e10, num(c.CoastT))
	}
	return fmt.Sprintf("stops pushing: half speed after %s m, %s s", num(c.CoastX), num(c.CoastT))
}
