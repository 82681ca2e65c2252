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

// The low-Reynolds-number topic has three units: the scallop in two
// fluids, the three-sphere swimmer with its loop in shape space, and
// run-and-tumble cells. All three share the side panels: Purcell's
// calculator, his S number and the theory.

func newReynolds(model string) unit {
	switch model {
	case topic.ModelScallop:
		return &scallop{}
	case topic.ModelSwimmer:
		return &swimmer{}
	}
	return &cells{}
}

// purcellPanels are the side panels every Reynolds unit has.
type purcellPanels struct{}

func (purcellPanels) tabs() []string      { return []string{"Reynolds", "Purcell's S", "Theory"} }
func (purcellPanels) keys() []key.Binding { return nil }
func (purcellPanels) key(tea.KeyMsg) bool { return false }

func (purcellPanels) panel(d *drawer, name string, w int) string {
	c := topic.Calculator(d.v)
	sw, fl := c.Swimmer, c.Fluid
	switch name {
	case "Reynolds":
		r := sims.Reynolds(sw.L, sw.U, sw.Density, fl.Density, fl.Eta)
		return wrap(strings.Join([]string{
			fmt.Sprintf("%s in %s: L = %s m, U = %s m/s", sw.Name, fl.Name, num(sw.L), num(sw.U)),
			fmt.Sprintf("ρ = %s kg/m³, η = %s Pa·s, ν = η/ρ = %s m²/s", num(fl.Density), num(fl.Eta), num(r.Nu)),
			d.S().Accent.Render(fmt.Sprintf("R = ρUL/η = %.3g", r.R)) + ": " + r.Regime,
			fmt.Sprintf("drag %.3g N (%s)", r.Drag, r.DragForm),
			coastLine(r),
			"set swimmer and fluid under Parameters",
			"",
			"in water, real cruising speeds beside Purcell's round figures:",
			swimmersInWater(),
		}, "\n"), w)
	case "Purcell's S":
		S, out := sims.PurcellS(sw.U, sw.L, c.D)
		verdict := "S < 1: swimming does not help; the cell should wait for food to diffuse to it"
		if S > 1 {
			verdict = "S > 1: swimming beats diffusion over this distance"
		}
		return wrap(strings.Join([]string{
			"S = vℓ/D: transport by swimming over diffusion (the Péclet number)",
			fmt.Sprintf("v = %s m/s, ℓ = %s m (the swimmer's size), D = %s m²/s", num(sw.U), num(sw.L), num(c.D)),
			d.S().Accent.Render(fmt.Sprintf("S = %.3g", S)) + ": " + verdict,
			fmt.Sprintf("to outrun diffusion it must swim ℓ > D/v = %s µm", num(out*1e6)),
			"Purcell: E. coli, S ≈ 0.03, would have to swim about 30 µm",
		}, "\n"), w)
	}
	return wrap(reynoldsTheory, w)
}

const reynoldsTheory = `Navier–Stokes made dimensionless leaves R = ρUL/η = UL/ν. At R ≪ 1 it is Stokes' equation ∇p = η∇²u: no inertia, and time does not matter, only the sequence of shapes.
Scallop theorem: a reciprocal stroke (the same shapes forward then backward) gets nowhere at R ≪ 1 however fast or slow each half; with inertia it does. Here the scallop is two hinged plates under resistive force theory (ζ⊥ = 2ζ∥): Ẋ = g(θ)·θ̇, so any stroke that retraces its shapes integrates to zero. Let the plates telescope out of step with the opening (stretch, lag): the stroke encloses area in shape space and swims.
A stroke that encloses area in shape space swims: Najafi and Golestanian's three spheres with a phase lag φ, V ≈ (7/24)·a·d₁d₂·ω·sin φ/L².
E. coli runs and tumbles: D = v²τ/(d(1 − ⟨cos θ⟩)); lengthening runs up an attractant gradient makes the population drift up it.`

// scallop is the scallop theorem: one stroke in syrup (R ≪ 1) and in
// water (R ≫ 1), their midpoints over time and per cycle.
type scallop struct {
	purcellPanels
	sc          *sims.Scallop
	lowT, highT trace // the midpoints over time
}

func (s *scallop) reset(v topic.Values, _ uint64) error {
	sc, err := sims.NewScallop(topic.ScallopParams(v))
	if err != nil {
		return err
	}
	s.sc = sc
	s.lowT.reset()
	s.highT.reset()
	s.record()
	return nil
}

func (s *scallop) record() {
	s.lowT.add(s.sc.T, s.sc.MidLow())
	s.highT.add(s.sc.T, s.sc.MidHigh())
}

func (s *scallop) step() { s.sc.Step(); s.record() }

func (s *scallop) status() string { return fmt.Sprintf("t %.3g · cycle %d", s.sc.T, s.sc.Cycles) }

func (s *scallop) layout(d *drawer) layout {
	sc, S := s.sc, d.S()
	th, dth, pl, _ := sc.Params().Shape(sc.T)
	per := "per cycle: needs a whole stroke"
	if n := len(sc.PerLow); n > 0 {
		per = fmt.Sprintf("last cycle: R≪1 %+.1e, R≫1 %+.4f", sc.PerLow[n-1], sc.PerHigh[n-1])
	}
	return layout{
		main: box{title: "the scallop theorem", draw: func(w, h int) string { return s.picture(d, w, h) }},
		update: S.Accent.Render(fmt.Sprintf("θ %.1f°, θ̇ %+.3f, ℓ %.2f · R≪1 Ẋ %+.4f · R≫1 v %+.4f",
			th*180/math.Pi, dth, pl, sc.Params().LowRate(sc.T), sc.VHigh)),
		right: []box{
			d.chart("mid", "midpoint against time", S.Series[1].Render("┅ R ≪ 1")+"  "+S.Series[0].Render("━ R ≫ 1"), s.drawMid),
			d.chart("cycle", "net displacement per cycle", S.Series[1].Render("○ R ≪ 1")+"  "+S.Series[0].Render("● R ≫ 1")+"  "+per, s.drawCycles),
		},
	}
}

// picture draws the two scallops, each in a window that follows it along
// a ruler: drawn to scale as two hinged plates where the box is tall, as a
// line each where it is not.
func (s *scallop) picture(d *drawer, w, h int) string {
	sc, S := s.sc, d.S()
	p := sc.Params()
	th, _, pl, _ := p.Shape(sc.T)
	kind := "the same reciprocal stroke"
	if !p.Reciprocal() {
		kind = "a non-reciprocal stroke (the stretch lags the opening)"
	}
	about := S.Dim.Render(wrap(fmt.Sprintf("%s: opening θ = %.0f°, plates %.2f; opens in %.3g, closes in %.3g (ratio %.3g)",
		kind, th*180/math.Pi, pl, p.Open, p.Close, p.Open/p.Close), w))
	span := 4 * p.Plate * (1 + p.Stretch)
	rows := (h - strings.Count(about, "\n") - 1 - 6) / 2 // two labels, midpoints and gaps
	draw := func(hinge, mid float64) string {
		lo := math.Floor(mid/span)*span - span/4
		hi := lo + 1.5*span
		if rows < 5 {
			return lane(hinge-sc.Tip(), hinge, lo, hi, w)
		}
		k := d.c.newSketch(w, rows, [2]float64{lo, hi}, 0)
		dx, dy := pl*math.Cos(th/2), pl*math.Sin(th/2)
		var ruler [][]float64
		tick := p.Plate / 2
		for x := math.Ceil(lo/tick) * tick; x < hi; x += tick {
			ruler = append(ruler, []float64{x, k.y0, x, k.y0 + (k.y1-k.y0)*0.06})
		}
		k.lines(S.Dim, ruler...)
		k.lines(S.Accent, []float64{hinge - dx, dy, hinge, 0, hinge - dx, -dy}, circle(hinge, 0, span/60))
		return k.view()
	}
	var b strings.Builder
	b.WriteString(S.Series[1].Render("R ≪ 1 (syrup): no inertia") + "\n")
	b.WriteString(draw(sc.XLow, sc.MidLow()) + "\n" + S.Dim.Render(fmt.Sprintf("midpoint %+.6f", sc.MidLow())) + "\n\n")
	b.WriteString(S.Series[0].Render("R ≫ 1 (water): inertia, drag") + "\n")
	b.WriteString(draw(sc.XHigh(), sc.MidHigh()) + "\n" + S.Dim.Render(fmt.Sprintf("midpoint %+.6f", sc.MidHigh())) + "\n\n")
	return b.String() + about
}

func (s *scallop) drawMid(p *plot) string {
	p.xName, p.yName = "t", "midpoint (ℓ)"
	sc, S := s.sc, p.c.S
	xmax := math.Max(sc.Params().Period(), sc.T)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, y := range append(append([]float64{}, s.lowT.ys...), s.highT.ys...) {
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	pad := math.Max(0.5, (ymax-ymin)*0.1)
	p.draw([2]float64{0, xmax}, [2]float64{ymin - pad, ymax + pad},
		series{xs: s.lowT.xs, ys: s.lowT.ys, style: S.Series[1], dash: dashed},
		series{xs: s.highT.xs, ys: s.highT.ys, style: S.Series[0]})
	return ""
}

func (s *scallop) drawCycles(p *plot) string {
	p.xName, p.yName = "cycle", "Δx a cycle (ℓ)"
	p.intX = true // cycles
	sc, S := s.sc, p.c.S
	n := len(sc.PerLow)
	if n == 0 {
		return "run a whole stroke to see the displacement per cycle"
	}
	cx := make([]float64, n)
	lim := 1e-3
	for i := range cx {
		cx[i] = float64(i + 1)
		lim = math.Max(lim, math.Max(math.Abs(sc.PerLow[i]), math.Abs(sc.PerHigh[i])))
	}
	p.draw([2]float64{0, math.Max(5, float64(n)+1)}, [2]float64{-lim * 1.2, lim * 1.2},
		series{xs: []float64{0, math.Max(5, float64(n)+1)}, ys: []float64{0, 0}, style: S.Dim, dash: dotted},
		series{xs: cx, ys: sc.PerLow, style: S.Series[1], glyph: '○'},
		series{xs: cx, ys: sc.PerHigh, style: S.Series[0], glyph: '●'})
	return ""
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

// swimmer is Najafi and Golestanian's three-sphere swimmer: its spheres,
// its stroke in shape space and its net speed against the phase lag φ.
type swimmer struct {
	purcellPanels
	sw           *sims.ThreeSphere
	phis, speeds []float64 // the net speed over a range of phase lags
}

func (s *swimmer) reset(v topic.Values, _ uint64) error {
	sw, err := sims.NewThreeSphere(topic.SwimmerParams(v))
	if err != nil {
		return err
	}
	s.sw, s.phis, s.speeds = sw, nil, nil
	p := sw.Params()
	for k := -12; k <= 12; k++ {
		p.Phase = math.Pi * float64(k) / 12
		if v, err := sims.MeanSpeed(p); err == nil {
			s.phis, s.speeds = append(s.phis, p.Phase), append(s.speeds, v)
		}
	}
	return nil
}

func (s *swimmer) step()          { s.sw.Step() }
func (s *swimmer) status() string { return fmt.Sprintf("t %.3g · cycle %d", s.sw.T, s.sw.Cycles) }

func (s *swimmer) layout(d *drawer) layout {
	sw, S := s.sw, d.S()
	p := sw.Params()
	area := "the loop has area: the stroke is not reciprocal"
	if math.Abs(math.Sin(p.Phase)) < 1e-9 {
		area = "φ = 0: the loop has no area, the swimmer goes nowhere"
	}
	return layout{
		main: box{title: fmt.Sprintf("three-sphere swimmer, φ = %.2f", p.Phase), draw: func(w, h int) string { return s.picture(d, w, h) }},
		update: S.Accent.Render(fmt.Sprintf("force-free at every instant: Σf = %.1e; the spheres only push on each other through the fluid",
			sw.Forces[0]+sw.Forces[1]+sw.Forces[2])),
		right: []box{
			d.chart("loop", "stroke in shape space (L₁, L₂)", S.Series[1].Render("┅ loop")+"  "+S.Warn.Render("● now")+"  "+area, s.drawLoop),
			d.chart("speed", "net speed against φ", S.Series[0].Render("● integrated")+"  "+S.Series[1].Render("┅ (7/24)·a·d₁d₂·ω·sin φ/L²"), s.drawSpeed),
		},
	}
}

// picture draws the spheres in a window that follows them, to scale
// where the box is tall, and the stroke's numbers under them.
func (s *swimmer) picture(d *drawer, w, h int) string {
	sw := s.sw
	p := sw.Params()
	x := sw.Positions()
	mid := sw.Centre()
	span := 3 * p.L
	lo := math.Floor(mid/span)*span - span/2
	text := s.numbers(w)
	if rows := h - strings.Count(text, "\n") - 2; rows >= 6 {
		k := d.c.newSketch(w, rows, [2]float64{lo, lo + 2*span}, 0)
		r := math.Max(p.A, 1.5*(2*span)/float64(2*w)) // at least a dot and a half
		var ruler [][]float64
		for t := math.Ceil(lo/(p.L/2)) * p.L / 2; t < lo+2*span; t += p.L / 2 {
			ruler = append(ruler, []float64{t, k.y0, t, k.y0 + (k.y1-k.y0)*0.06})
		}
		k.lines(d.S().Dim, ruler...)
		k.lines(d.S().Accent, []float64{x[0] + r, 0, x[1] - r, 0}, []float64{x[1] + r, 0, x[2] - r, 0},
			circle(x[0], 0, r), circle(x[1], 0, r), circle(x[2], 0, r))
		return k.view() + "\n" + text
	}
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
	return "\n" + string(line) + "\n\n" + text
}

// numbers are the stroke's arms and forces, the centre and the last
// stroke against the formula.
func (s *swimmer) numbers(w int) string {
	sw := s.sw
	p := sw.Params()
	a, b := p.Arms(sw.T)
	lines := []string{
		fmt.Sprintf("arms L₁ = %.4f, L₂ = %.4f (L = %g, d = %g, a = %g)", a, b, p.L, p.D1, p.A),
		fmt.Sprintf("forces f = (%+.3f, %+.3f, %+.3f), Σf = %.1e", sw.Forces[0], sw.Forces[1], sw.Forces[2], sw.Forces[0]+sw.Forces[1]+sw.Forces[2]),
		fmt.Sprintf("centre %+.6f after %d strokes", sw.Centre(), sw.Cycles)}
	if n := len(sw.PerCyc); n > 0 {
		lines = append(lines, fmt.Sprintf("last stroke %+.3e; formula %+.3e", sw.PerCyc[n-1], p.SpeedFormula()*2*math.Pi/p.Omega))
	}
	return wrap(strings.Join(lines, "\n"), w)
}

func (s *swimmer) drawLoop(pl *plot) string {
	pl.xName, pl.yName = "L₁ (L)", "L₂ (L)"
	sw, S := s.sw, pl.c.S
	p := sw.Params()
	var lx, ly []float64
	for k := 0; k <= 100; k++ {
		t := 2 * math.Pi / p.Omega * float64(k) / 100
		a, b := p.Arms(t)
		lx, ly = append(lx, a), append(ly, b)
	}
	a, b := p.Arms(sw.T)
	r := math.Max(p.D1, p.D2) * 1.3
	pl.draw([2]float64{p.L - r, p.L + r}, [2]float64{p.L - r, p.L + r},
		series{xs: lx, ys: ly, style: S.Series[1], dash: dashed},
		series{xs: []float64{a}, ys: []float64{b}, style: S.Warn, glyph: '●'})
	return ""
}

func (s *swimmer) drawSpeed(pl *plot) string {
	pl.xName, pl.yName = "φ (rad)", "speed (L/stroke)"
	S := pl.c.S
	p := s.sw.Params()
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
	pl.draw([2]float64{-math.Pi, math.Pi}, [2]float64{-lim, lim},
		series{xs: []float64{p.Phase, p.Phase}, ys: []float64{-lim, lim}, style: S.Dim, dash: dotted},
		series{xs: fx, ys: fy, style: S.Series[1], dash: dashed},
		series{xs: s.phis, ys: s.speeds, style: S.Series[0], glyph: '●'})
	return ""
}

// cells is E. coli's run and tumble: the cells, their MSD against the
// persistent walk's, and their drift up an attractant gradient.
type cells struct {
	purcellPanels
	rt    *sims.RunTumble
	drift trace // the mean position along the gradient
}

func (s *cells) reset(v topic.Values, seed uint64) error {
	rt, err := sims.NewRunTumble(topic.RunTumbleParams(v), seed)
	if err != nil {
		return err
	}
	s.rt = rt
	s.drift.reset()
	s.record()
	return nil
}

func (s *cells) record() {
	m, _ := s.rt.MeanX()
	s.drift.add(s.rt.T(), m)
}

func (s *cells) step()          { s.rt.Step(); s.record() }
func (s *cells) status() string { return fmt.Sprintf("t %.4g · %d tumbles", s.rt.T(), s.rt.Tumbles) }

func (s *cells) layout(d *drawer) layout {
	rt, S := s.rt, d.S()
	p := rt.Params()
	title := fmt.Sprintf("run and tumble, %s turns", p.Tumble)
	if p.G > 0 {
		title += " · attractant rises to the right →"
	}
	fit := "fit: needs more time"
	if D, se, ok := rt.FitD(20 * p.Tau); ok {
		fit = fmt.Sprintf("fit D %.3g±%.2g (theory %.3g)", D, se, p.DTheory())
	}
	m, se := rt.MeanX()
	drift := fmt.Sprintf("⟨x⟩ = %.3g ± %.2g", m, se)
	if t := rt.T(); t > 0 {
		drift += fmt.Sprintf(", drift %.3g per unit time", m/t)
	}
	update := S.Dim.Render("press n to advance the cells by one observation interval")
	if rt.T() > 0 {
		l := rt.Last
		update = S.Accent.Render(fmt.Sprintf("cell ●: %d tumble(s); heading %.0f°, tumble rate %.3g (1/τ = %.3g)", l.Tumbles, l.Theta*180/math.Pi, l.Rate, 1/p.Tau))
	}
	return layout{
		main:   box{title: title, draw: func(w, h int) string { return s.field(d, w, h) }},
		update: update,
		right: []box{
			d.chart("msd", "MSD against t", S.Series[0].Render("━ data")+"  "+S.Series[1].Render("┅ persistent walk")+"  "+fit, s.drawMSD),
			d.chart("drift", "mean position along the gradient", S.Series[0].Render("━ ⟨x⟩")+"  "+drift, s.drawDrift),
		},
	}
}

// field draws the cells in a window that grows with their spread.
func (s *cells) field(d *drawer, w, h int) string {
	f := d.field("cells", w, h-1)
	xs, ys := s.rt.Positions()
	rms := math.Sqrt(math.Max(s.rt.MSD(), 1))
	scale := d.grow("window", niceCeil(math.Max(2.5*rms, 5)/math.Min(1, f.extentY(1))))
	out, _ := f.draw(xs, ys, scale)
	return out + "\n" + d.S().Dim.Render(fmt.Sprintf("window ±%s", num(scale)))
}

func (s *cells) drawMSD(pl *plot) string {
	pl.xName, pl.yName = "t (τ)", "MSD ((vτ)²)"
	rt, S := s.rt, pl.c.S
	p := rt.Params()
	h := rt.History()
	tmax := math.Max(rt.T(), 1)
	var tx, ty []float64
	for k := 0; k <= 100; k++ {
		t := tmax * float64(k) / 100
		tx = append(tx, t)
		ty = append(ty, p.MSDTheory(t))
	}
	ymax := ty[len(ty)-1]
	for _, m := range h.MSD {
		ymax = math.Max(ymax, m)
	}
	pl.draw([2]float64{0, tmax}, [2]float64{0, math.Max(ymax*1.1, 1)},
		series{xs: tx, ys: ty, style: S.Series[1], dash: dashed},
		series{xs: h.T, ys: h.MSD, style: S.Series[0]})
	return ""
}

func (s *cells) drawDrift(pl *plot) string {
	pl.xName, pl.yName = "t (τ)", "⟨x⟩ (vτ)"
	S := pl.c.S
	tmax := math.Max(s.rt.T(), 1)
	lo, hi := -1.0, 1.0
	for _, y := range s.drift.ys {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	pl.draw([2]float64{0, tmax}, [2]float64{lo * 1.2, hi * 1.2},
		hline(0, tmax, 0, S.Dim, dotted),
		series{xs: s.drift.xs, ys: s.drift.ys, style: S.Series[0]})
	return ""
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
