package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// The information topic has four units: entropy estimated from samples,
// channel capacity and the rate-distortion curve by Blahut–Arimoto, and
// Laughlin's histogram-equalising neuron.

func newInformation(exp string) unit {
	switch exp {
	case topic.ExpChannel:
		return &channel{}
	case topic.ExpRateDistortion:
		return &rateDistortion{}
	case topic.ExpLaughlin:
		return &laughlin{}
	case topic.ExpPlane:
		return &plane{}
	}
	return &entropy{}
}

// infoPanel is the theory tab the information units share.
type infoPanel struct{}

func (infoPanel) tabs() []string      { return []string{"Theory"} }
func (infoPanel) keys() []key.Binding { return nil }
func (infoPanel) key(tea.KeyMsg) bool { return false }
func (infoPanel) panel(_ *drawer, _ string, w int) string {
	return wrap(infoTheory, w)
}

const infoTheory = `Entropy H(X) = −Σ p log₂ p bits (Shannon 1948): the shortest average description of X. Mutual information I(X;Y) = H(Y) − H(Y|X): what Y tells about X.
Estimating H from N samples: the plug-in Ĥ = −Σ (nᵢ/N) log₂(nᵢ/N) is biased low, by about (m − 1)/(2N ln 2) with m the symbols seen (Miller 1955); Miller–Madow adds that back. The plug-in I(X;Y) is biased high, by about (K−1)²/(2N ln 2) for K×K cells.
Capacity C = max over inputs of I(X;Y). Blahut–Arimoto (1972): with q(y) = Σ r(x)W(y|x) and D(x) = KL(W(·|x) ‖ q), set r(x) ← r(x)2^D(x)/Σ. Then log₂ Σ r 2^D ≤ C ≤ max D at every step, and the two close. BSC: 1 − H(p); BEC: 1 − ε; Z: log₂(1 + (1−p)p^(p/(1−p))).
Rate–distortion R(D) = min I(X;X̂) over test channels with E d ≤ D: the same kind of optimisation, the other way round. At slope −β: Q(x̂|x) ∝ q(x̂)e^(−βd), q = Σ p Q. Bernoulli(p), Hamming: H(p) − H(D); Gaussian, squared error: ½log₂(σ²/D).
Laughlin (1981): a neuron with L response levels carries at most log₂ L bits, reached when every level is used equally often, i.e. when its response curve is the cumulative distribution of the contrasts it sees (histogram equalisation). The blowfly's large monopolar cells do just that.
Questions: why does the plug-in entropy come out too low, and by how much? Why are capacity and rate-distortion two optimisations of one quantity? Why does equalising the histogram maximise information?`

// biasNs are the sample sizes of the entropy estimators' bias table.
var biasNs = []int{10, 20, 50, 100, 200, 500, 1000}

// biasReps is the sets of samples the table averages over.
const biasReps = 1000

// entropy is the entropy (and a mutual information) estimated as samples
// accumulate.
type entropy struct {
	infoPanel
	e                *models.EntropyRun
	plugin, mm, miPI trace
	bias             [][2]float64 // plug-in and Miller–Madow bias at biasNs, computed at reset
}

func (s *entropy) reset(v topic.Values, seed uint64) error {
	p, err := topic.EntropyParams(v)
	if err != nil {
		return err
	}
	e, err := models.NewEntropyRun(p, seed)
	if err != nil {
		return err
	}
	s.e, s.bias = e, nil
	// the Bias tab's table, computed here: views only read the unit
	for _, n := range biasNs {
		pi, mm := models.EstimatorBias(p.P, n, biasReps, seed)
		s.bias = append(s.bias, [2]float64{pi, mm})
	}
	s.plugin.reset()
	s.mm.reset()
	s.miPI.reset()
	return nil
}

func (s *entropy) step() {
	s.e.Step()
	s.plugin.add(float64(s.e.N), models.PlugIn(s.e.Counts))
	s.mm.add(float64(s.e.N), models.MillerMadow(s.e.Counts))
	mi, _ := s.e.PlugInMI()
	s.miPI.add(float64(s.e.N), mi)
}

func (s *entropy) tabs() []string { return []string{"Theory", "Bias"} }

func (s *entropy) panel(d *drawer, name string, w int) string {
	if name != "Bias" {
		return s.infoPanel.panel(d, name, w)
	}
	rows := [][]string{}
	for i, n := range biasNs {
		rows = append(rows, []string{fmt.Sprint(n), fmt.Sprintf("%+.4f", s.bias[i][0]), fmt.Sprintf("%+.4f", s.bias[i][1])})
	}
	return wrap(fmt.Sprintf("Mean estimate minus the true %.4f bits over %d sets of N samples:", s.e.True(), biasReps), w) + "\n\n" +
		table([]string{"N", "plug-in", "Miller–Madow"}, rows, w, len(rows)+2)
}

func (s *entropy) status() string {
	e := s.e
	return fmt.Sprintf("%d samples · plug-in %.4f, Miller–Madow %.4f, true %.4f bits", e.N, models.PlugIn(e.Counts), models.MillerMadow(e.Counts), e.True())
}

func (s *entropy) layout(d *drawer) layout {
	S := d.S()
	e := s.e
	mi, bias := e.PlugInMI()
	return layout{
		main: d.chart("entropy", fmt.Sprintf("entropy of %d symbols from samples", len(e.Params().P)),
			S.Series[0].Render("━ plug-in")+"  "+S.Series[2].Render("━ Miller–Madow")+"  "+S.Series[1].Render(fmt.Sprintf("┅ true H = %.4f bits", e.True())), s.drawEntropy),
		update: s.lastUpdate(d),
		right: []box{
			d.chart("counts", "counts against N·p", S.Series[0].Render("━ counts")+"  "+S.Series[1].Render("┅ expected N·p"), s.drawCounts),
			d.chart("mi", fmt.Sprintf("I(X;Y), Y a noisy copy (noise %s)", num(e.Params().Noise)),
				S.Series[0].Render(fmt.Sprintf("━ plug-in %.4f", mi))+"  "+S.Series[1].Render(fmt.Sprintf("┅ true %.4f", e.TrueMI()))+"  "+
					S.Dim.Render(fmt.Sprintf("bias ≈ (K−1)²/(2N ln 2) = %.3g", bias)), s.drawMI),
		},
	}
}

func (s *entropy) drawEntropy(p *plot) string {
	p.xName, p.yName = "samples", "bits"
	p.logX = true
	S := p.c.S
	if s.e.N == 0 {
		return "take a step to draw samples"
	}
	h := s.e.True()
	lo, hi := h, h
	for _, t := range []trace{s.plugin, s.mm} {
		for _, y := range t.ys {
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
	}
	xmax := math.Max(10*float64(s.e.Params().Batch), float64(s.e.N))
	pad := math.Max(0.05, (hi-lo)*0.08)
	p.draw([2]float64{float64(s.e.Params().Batch), xmax}, [2]float64{math.Max(0, lo-pad), hi + pad},
		hline(1, xmax, h, S.Series[1], dashed),
		series{xs: s.mm.xs, ys: s.mm.ys, style: S.Series[2]},
		series{xs: s.plugin.xs, ys: s.plugin.ys, style: S.Series[0]})
	return ""
}

// bars are step-line histogram points of values at integer positions.
func bars(vals []float64) (xs, ys []float64) {
	for i, v := range vals {
		xs, ys = append(xs, float64(i)-0.5, float64(i)+0.5), append(ys, v, v)
	}
	return xs, ys
}

func (s *entropy) drawCounts(p *plot) string {
	p.xName, p.yName = "symbol", "count"
	p.intX = true
	S := p.c.S
	e := s.e
	k := len(e.Counts)
	c := make([]float64, k)
	exp := make([]float64, k)
	ymax := 1.0
	for i, n := range e.Counts {
		c[i], exp[i] = float64(n), float64(e.N)*e.Params().P[i]
		ymax = math.Max(ymax, math.Max(c[i], exp[i]))
	}
	cx, cy := bars(c)
	ex, ey := bars(exp)
	p.draw([2]float64{-0.5, float64(k) - 0.5}, [2]float64{0, ymax * 1.1},
		series{xs: ex, ys: ey, style: S.Series[1], dash: dashed},
		series{xs: cx, ys: cy, style: S.Series[0]})
	return ""
}

func (s *entropy) drawMI(p *plot) string {
	p.xName, p.yName = "samples", "bits"
	p.logX = true
	S := p.c.S
	if s.e.N == 0 {
		return "take a step to draw samples"
	}
	t := s.e.TrueMI()
	hi := maxOf(t, s.miPI.ys)
	xmax := math.Max(10*float64(s.e.Params().Batch), float64(s.e.N))
	p.draw([2]float64{float64(s.e.Params().Batch), xmax}, [2]float64{0, hi*1.1 + 0.01},
		hline(1, xmax, t, S.Series[1], dashed),
		series{xs: s.miPI.xs, ys: s.miPI.ys, style: S.Series[0]})
	return ""
}

func (s *entropy) lastUpdate(d *drawer) string {
	S := d.S()
	e := s.e
	if e.N == 0 {
		return S.Dim.Render(fmt.Sprintf("press n to draw %d samples and update Ĥ = −Σ (nᵢ/N) log₂(nᵢ/N)", e.Params().Batch))
	}
	m := 0
	for _, c := range e.Counts {
		if c > 0 {
			m++
		}
	}
	var drawn []string
	for _, x := range e.Last {
		drawn = append(drawn, fmt.Sprint(x))
	}
	more := ""
	if e.Params().Batch > len(e.Last) {
		more = " …"
	}
	return fmt.Sprintf("drew %s%s; N = %d, %d of %d symbols seen", strings.Join(drawn, " "), more, e.N, m, len(e.Counts)) + "\n" +
		fmt.Sprintf("Ĥ = %.4f; + (m−1)/(2N ln 2) = %.4f → %.4f (true %.4f)", models.PlugIn(e.Counts), float64(m-1)/(2*float64(e.N)*math.Ln2), models.MillerMadow(e.Counts), e.True())
}

// channel is Blahut–Arimoto closing on a channel's capacity.
type channel struct {
	infoPanel
	b            *models.BlahutArimoto
	theory       float64
	name         string
	lower, upper trace
}

func (s *channel) reset(v topic.Values, _ uint64) error {
	W, theory, name, err := topic.Channel(v)
	if err != nil {
		return err
	}
	s.b, s.theory, s.name = models.NewBlahutArimoto(W), theory, name
	s.lower.reset()
	s.upper.reset()
	s.record()
	return nil
}

func (s *channel) record() {
	s.lower.add(float64(s.b.Iter), s.b.Lower)
	s.upper.add(float64(s.b.Iter), s.b.Upper)
}

func (s *channel) step() { s.b.Step(); s.record() }

func (s *channel) finished(topic.Values) (bool, string) {
	return s.b.Upper-s.b.Lower < 1e-9, "the bounds agree to 1e-9"
}

func (s *channel) status() string {
	b := s.b
	out := fmt.Sprintf("iteration %d · %.9f ≤ C ≤ %.9f", b.Iter, b.Lower, b.Upper)
	if !math.IsNaN(s.theory) {
		out += fmt.Sprintf(" · closed form %.9f", s.theory)
	}
	return out
}

func (s *channel) layout(d *drawer) layout {
	S := d.S()
	theory := ""
	if !math.IsNaN(s.theory) {
		theory = "  " + S.Series[1].Render(fmt.Sprintf("┅ closed form %.6f", s.theory))
	}
	return layout{
		main: d.chart("bounds", "capacity of "+s.name+": Blahut–Arimoto's bounds",
			S.Series[0].Render(fmt.Sprintf("━ lower %.6f", s.b.Lower))+"  "+S.Series[2].Render(fmt.Sprintf("━ upper %.6f", s.b.Upper))+theory, s.drawBounds),
		update: s.lastUpdate(d),
		right: []box{
			{title: "the channel W(y|x) and the input r(x)", min: len(s.b.W) + 2, draw: s.drawChannel},
			d.chart("gap", "upper − lower bound", S.Series[0].Render(fmt.Sprintf("━ gap %.2e bits", s.b.Upper-s.b.Lower)), s.drawGap),
		},
	}
}

func (s *channel) drawBounds(p *plot) string {
	p.xName, p.yName = "iteration", "bits"
	p.intX = true
	S := p.c.S
	xmax := math.Max(10, float64(s.b.Iter))
	lo, hi := s.b.Lower, s.b.Upper
	for _, y := range s.lower.ys {
		lo = math.Min(lo, y)
	}
	for _, y := range s.upper.ys {
		hi = math.Max(hi, y)
	}
	pad := math.Max(1e-3, (hi-lo)*0.1)
	ss := []series{}
	if !math.IsNaN(s.theory) {
		ss = append(ss, hline(0, xmax, s.theory, S.Series[1], dashed))
	}
	ss = append(ss, series{xs: s.upper.xs, ys: s.upper.ys, style: S.Series[2]}, series{xs: s.lower.xs, ys: s.lower.ys, style: S.Series[0]})
	p.draw([2]float64{0, xmax}, [2]float64{math.Max(0, lo-pad), hi + pad}, ss...)
	return ""
}

func (s *channel) drawGap(p *plot) string {
	p.xName, p.yName = "iteration", "bits"
	p.intX, p.logY = true, true
	var xs, ys []float64
	lo, hi := math.Inf(1), 0.0
	for i, u := range s.upper.ys {
		if g := u - s.lower.ys[i]; g > 0 {
			xs, ys = append(xs, s.upper.xs[i]), append(ys, g)
			lo, hi = math.Min(lo, g), math.Max(hi, g)
		}
	}
	if len(xs) == 0 {
		return "the bounds agree to the last digit"
	}
	p.draw([2]float64{0, math.Max(10, float64(s.b.Iter))}, [2]float64{lo / 2, hi * 2}, series{xs: xs, ys: ys, style: p.c.S.Series[0]})
	return ""
}

func (s *channel) drawChannel(w, h int) string {
	b := s.b
	header := []string{"x", "r(x)"}
	for y := range b.W[0] {
		header = append(header, fmt.Sprintf("y=%d", y))
	}
	header = append(header, "D(x)")
	var rows [][]string
	for x, row := range b.W {
		r := []string{fmt.Sprint(x), fmt.Sprintf("%.4f", b.R[x])}
		for _, v := range row {
			r = append(r, fmt.Sprintf("%.3g", v))
		}
		rows = append(rows, append(r, fmt.Sprintf("%.4f", b.LastD[x])))
	}
	return table(header, rows, w, h)
}

func (s *channel) lastUpdate(d *drawer) string {
	b, S := s.b, d.S()
	if b.Iter == 0 {
		return S.Dim.Render("press n for one iteration: r(x) ← r(x)·2^D(x)/Σ, D(x) = KL(W(·|x) ‖ q)")
	}
	var ds []string
	for x, v := range b.LastD {
		ds = append(ds, fmt.Sprintf("D(%d) %.4f", x, v))
		if x == 3 {
			ds = append(ds, "…")
			break
		}
	}
	return fmt.Sprintf("r ← r·2^D/Σ; %s", strings.Join(ds, ", ")) + "\n" +
		fmt.Sprintf("log₂ Σ r 2^D = %.8f ≤ C ≤ max D = %.8f; I(r) = %.8f", b.Lower, b.Upper, b.MutualInformation())
}

// rateDistortion traces R(D) point by point.
type rateDistortion struct {
	infoPanel
	rd     *models.RateDistortion
	theory func(float64) float64
	source string
	change trace
}

func (s *rateDistortion) reset(v topic.Values, _ uint64) error {
	src, d, betas, theory, err := models.RDProblem(v.Choice("source"), v.Float("p"))
	if err != nil {
		return err
	}
	s.rd, s.theory = models.NewRateDistortion(src, d, betas), theory
	s.source = "Bernoulli(" + num(v.Float("p")) + "), Hamming"
	if v.Choice("source") == models.SourceGaussian {
		s.source = fmt.Sprintf("N(0, 1) on %d points, squared error", models.GaussGrid)
	}
	s.change.reset()
	return nil
}

func (s *rateDistortion) step() {
	s.rd.Step()
	s.change.add(float64(s.change.n), s.rd.Change())
}

func (s *rateDistortion) finished(topic.Values) (bool, string) {
	return s.rd.Done(), "every slope traced"
}

func (s *rateDistortion) status() string {
	rd := s.rd
	if rd.Done() {
		return fmt.Sprintf("%d points traced", len(rd.Points))
	}
	return fmt.Sprintf("point %d of %d · β %.3f · iteration %d", rd.K+1, len(rd.Betas), rd.Beta(), rd.Iter)
}

func (s *rateDistortion) layout(d *drawer) layout {
	S := d.S()
	worst := 0.0
	for _, pt := range s.rd.Points {
		worst = math.Max(worst, math.Abs(pt[1]-s.theory(pt[0])))
	}
	return layout{
		main: d.chart("rd", "R(D) of "+s.source,
			S.Series[0].Render("● traced")+"  "+S.Warn.Render("◉ now")+"  "+S.Series[1].Render("┅ closed form")+"  "+
				S.Dim.Render(fmt.Sprintf("largest gap %.1e bits", worst)), s.drawRD),
		update: s.lastUpdate(d),
		right: []box{
			d.chart("q", "reproduction distribution q(x̂)", S.Series[0].Render("━ q(x̂)")+"  "+S.Series[1].Render("┅ the source p(x)"), s.drawQ),
			d.chart("change", "largest change of q an iteration", S.Series[0].Render("━ change")+"  "+S.Series[2].Render(fmt.Sprintf("┈ converged below %.0e", models.RDTol)), s.drawChange),
		},
	}
}

func (s *rateDistortion) drawRD(p *plot) string {
	p.xName, p.yName = "D", "R (bits)"
	S := p.c.S
	dmax := 0.0
	for D := 0.0; ; D += 0.001 {
		if s.theory(D) <= 0 || D > 2 {
			dmax = D
			break
		}
	}
	var tx, ty []float64
	for i := 1; i <= 100; i++ {
		D := dmax * float64(i) / 100
		tx, ty = append(tx, D), append(ty, s.theory(D))
	}
	var px, py []float64
	for _, pt := range s.rd.Points {
		px, py = append(px, pt[0]), append(py, pt[1])
	}
	ss := []series{{xs: tx, ys: ty, style: S.Series[1], dash: dashed}, {xs: px, ys: py, style: S.Series[0], glyph: '●'}}
	if !s.rd.Done() {
		D, R := s.rd.Current()
		ss = append(ss, series{xs: []float64{D}, ys: []float64{R}, style: S.Warn, glyph: '◉'})
	}
	p.draw([2]float64{0, dmax * 1.05}, [2]float64{0, s.theory(dmax/100) * 1.1}, ss...)
	return ""
}

func (s *rateDistortion) drawQ(p *plot) string {
	p.xName, p.yName = "x̂", "probability"
	S := p.c.S
	qx, qy := bars(s.rd.Q)
	sx, sy := bars(s.rd.P)
	hi := maxOf(0, s.rd.Q, s.rd.P)
	p.intX = true
	p.draw([2]float64{-0.5, float64(len(s.rd.Q)) - 0.5}, [2]float64{0, hi * 1.1},
		series{xs: sx, ys: sy, style: S.Series[1], dash: dashed},
		series{xs: qx, ys: qy, style: S.Series[0]})
	return ""
}

func (s *rateDistortion) drawChange(p *plot) string {
	p.xName, p.yName = "iteration", ""
	p.intX, p.logY = true, true
	if len(s.change.xs) == 0 {
		return "take a step: one iteration at the current slope"
	}
	lo, hi := models.RDTol, 1e-3
	var xs, ys []float64
	for i, y := range s.change.ys {
		if y > 0 {
			xs, ys = append(xs, s.change.xs[i]), append(ys, y)
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
	}
	xmax := math.Max(10, float64(s.change.n))
	p.draw([2]float64{0, xmax}, [2]float64{lo / 2, hi * 2},
		hline(0, xmax, models.RDTol, p.c.S.Series[2], dotted),
		series{xs: xs, ys: ys, style: p.c.S.Series[0]})
	return ""
}

func (s *rateDistortion) lastUpdate(d *drawer) string {
	rd, S := s.rd, d.S()
	if rd.Done() {
		last := rd.Points[len(rd.Points)-1]
		return fmt.Sprintf("done: %d points; the last D = %.4f, R = %.6f, closed form %.6f", len(rd.Points), last[0], last[1], s.theory(last[0]))
	}
	D, R := rd.Current()
	head := fmt.Sprintf("β = %.3f: Q(x̂|x) ∝ q(x̂)e^(−βd), q ← Σ p Q; change %.2e", rd.Beta(), rd.Change())
	if rd.Iter == 0 && len(rd.Points) == 0 {
		return S.Dim.Render("press n for one iteration at the first slope; a point is kept once q stops changing")
	}
	return head + "\n" + fmt.Sprintf("now D = %.5f, R = %.6f bits (closed form at this D: %.6f)", D, R, s.theory(D))
}

// laughlin is the neuron's response curve learning the contrasts' CDF.
type laughlin struct {
	infoPanel
	l   *models.Laughlin
	ent trace
}

func (s *laughlin) reset(v topic.Values, seed uint64) error {
	l, err := models.NewLaughlin(topic.LaughlinParams(v), seed)
	if err != nil {
		return err
	}
	s.l = l
	s.ent.reset()
	s.record()
	return nil
}

func (s *laughlin) record() {
	s.ent.add(float64(s.l.N), s.l.OutputEntropy())
}

func (s *laughlin) step() { s.l.Step(); s.record() }

func (s *laughlin) status() string {
	l := s.l
	return fmt.Sprintf("%d contrasts · output entropy %.4f of %.4f bits · max |F(t) − k/L| %.4f", l.N, l.OutputEntropy(), math.Log2(float64(l.Params().Levels)), l.CDFError())
}

func (s *laughlin) layout(d *drawer) layout {
	S := d.S()
	L := s.l.Params().Levels
	return layout{
		main: d.chart("curve", fmt.Sprintf("response to %s contrasts, %d levels", s.l.Params().Shape, L),
			S.Series[0].Render("━ response (level/L)")+"  "+S.Series[1].Render("┅ the contrasts' CDF")+"  "+S.Series[2].Render("┈ their density (scaled)"), s.drawCurve),
		update: s.lastUpdate(d),
		right: []box{
			d.chart("levels", "how often each output level is used", S.Series[0].Render("━ P(level)")+"  "+S.Series[1].Render(fmt.Sprintf("┅ 1/L = %.4f", 1/float64(L))), s.drawLevels),
			d.chart("hout", "output entropy", S.Series[0].Render(fmt.Sprintf("━ H %.4f bits", s.l.OutputEntropy()))+"  "+S.Series[1].Render(fmt.Sprintf("┅ log₂ L = %.4f", math.Log2(float64(L)))), s.drawEntropy),
		},
	}
}

func (s *laughlin) drawCurve(p *plot) string {
	p.xName, p.yName = "contrast", ""
	S := p.c.S
	l := s.l
	lo, hi := l.C.Range()
	var cx, cy, rx, ry, dx, dy []float64
	dmax := 0.0
	for i := 0; i <= 200; i++ {
		x := lo + (hi-lo)*float64(i)/200
		dmax = math.Max(dmax, l.C.Density(x))
	}
	L := float64(l.Params().Levels)
	for i := 0; i <= 200; i++ {
		x := lo + (hi-lo)*float64(i)/200
		cx, cy = append(cx, x), append(cy, l.C.CDF(x))
		dx, dy = append(dx, x), append(dy, l.C.Density(x)/dmax)
		rx, ry = append(rx, x), append(ry, (float64(l.Level(x))+0.5)/L)
	}
	p.draw([2]float64{lo, hi}, [2]float64{0, 1.05},
		series{xs: dx, ys: dy, style: S.Series[2], dash: dotted},
		series{xs: cx, ys: cy, style: S.Series[1], dash: dashed},
		series{xs: rx, ys: ry, style: S.Series[0]})
	return ""
}

func (s *laughlin) drawLevels(p *plot) string {
	p.xName, p.yName = "level", ""
	p.intX = true
	S := p.c.S
	probs := s.l.LevelProbs()
	L := float64(len(probs))
	hi := maxOf(1/L, probs)
	bx, by := bars(probs)
	p.draw([2]float64{-0.5, L - 0.5}, [2]float64{0, hi * 1.15},
		hline(-0.5, L-0.5, 1/L, S.Series[1], dashed),
		series{xs: bx, ys: by, style: S.Series[0]})
	return ""
}

func (s *laughlin) drawEntropy(p *plot) string {
	p.xName, p.yName = "contrasts", "bits"
	S := p.c.S
	hmax := math.Log2(float64(s.l.Params().Levels))
	xmax := math.Max(10*float64(s.l.Params().Batch), float64(s.l.N))
	lo := hmax
	for _, y := range s.ent.ys {
		lo = math.Min(lo, y)
	}
	p.draw([2]float64{0, xmax}, [2]float64{math.Max(0, lo-0.1), hmax + 0.05},
		hline(0, xmax, hmax, S.Series[1], dashed),
		series{xs: s.ent.xs, ys: s.ent.ys, style: S.Series[0]})
	return ""
}

func (s *laughlin) lastUpdate(d *drawer) string {
	l, S := s.l, d.S()
	if l.N == 0 {
		return S.Dim.Render(fmt.Sprintf("press n for %d contrasts: each moves every threshold t_k by −η(1[c < t_k] − k/L)", l.Params().Batch))
	}
	k := l.Last.K
	below := 0
	if l.Last.Below {
		below = 1
	}
	L := l.Params().Levels
	return fmt.Sprintf("c = %+.3f: t_%d ← %+.4f − %.2g·(%d − %d/%d) = %+.4f", l.Last.C, k+1, l.Last.Before, l.Gain(), below, k+1, L, l.Last.After) + "\n" +
		S.Dim.Render(fmt.Sprintf("gain η·1000/(1000 + n) = %.3g after %d contrasts", l.Gain(), l.N))
}

// plane is the information plane of a small net as it learns.
type plane struct {
	infoPanel
	pl   *models.Plane
	loss trace
}

func (s *plane) reset(v topic.Values, seed uint64) error {
	pl, err := models.NewPlane(topic.PlaneParams(v), seed)
	if err != nil {
		return err
	}
	s.pl = pl
	s.loss.reset()
	return nil
}

func (s *plane) step() {
	s.pl.Step()
	s.loss.add(float64(s.pl.Epoch), s.pl.Loss)
}

func (s *plane) finished(v topic.Values) (bool, string) {
	return s.pl.Epoch >= v.Int("epochs"), fmt.Sprintf("%d epochs done", s.pl.Epoch)
}

func (s *plane) status() string {
	pl := s.pl
	k := len(pl.IXT) - 1
	last := pl.IXT[k][len(pl.IXT[k])-1]
	return fmt.Sprintf("epoch %d · loss %.4f · last hidden layer I(X;T) %.2f bits", pl.Epoch, pl.Loss, last)
}

// layerStyle is hidden layer l's line on the plane: a colour and a dash,
// so that the layers read apart without colour too.
func layerStyle(S Styles, l int) (lipgloss.Style, dash) {
	styles := []lipgloss.Style{S.Series[0], S.Series[1], S.Series[2], S.Accent, S.Warn}
	dashes := []dash{solid, dashed, dotted, solid, dashed}
	return styles[l%len(styles)], dashes[l%len(dashes)]
}

func (s *plane) layout(d *drawer) layout {
	S := d.S()
	p := s.pl.Params()
	var parts []string
	for l := range s.pl.Hidden() {
		st, ds := layerStyle(S, l)
		parts = append(parts, st.Render(fmt.Sprintf("%s%d: %d", ds.mark(), l+1, models.PlaneSizes[l+1])))
	}
	est := fmt.Sprintf("units; bins %.3g wide (%d on [−1, 1])", 2/float64(p.Bins), p.Bins)
	main := d.chart("plane", fmt.Sprintf("information plane · %s · 12-10-7-5-4-3-2", p.Activation),
		strings.Join(parts, " ")+" "+S.Dim.Render(est), s.drawPlane)
	return layout{
		main:   main,
		update: s.lastUpdate(d),
		right: []box{
			d.chart("ixt", "I(X;T) of each layer against epochs", S.Dim.Render("lines as on the plane; falling is compression"), s.drawIXT),
			d.chart("loss", "training loss", S.Series[0].Render(fmt.Sprintf("━ loss %.4f", s.pl.Loss)), s.drawLoss),
		},
	}
}

func (s *plane) drawPlane(p *plot) string {
	p.xName, p.yName = "I(X;T) bits", "I(T;Y)"
	S := p.c.S
	pl := s.pl
	var ss []series
	for l := range pl.Hidden() {
		st, ds := layerStyle(S, l)
		var xs, ys []float64
		for k := range pl.IXT {
			xs, ys = append(xs, pl.IXT[k][l]), append(ys, pl.ITY[k][l])
		}
		ss = append(ss, series{xs: xs, ys: ys, style: st, dash: ds},
			series{xs: xs[len(xs)-1:], ys: ys[len(ys)-1:], style: st, glyph: rune('1' + l)})
	}
	p.draw([2]float64{0, 12.5}, [2]float64{0, models.LabelEntropy() * 1.05}, ss...)
	return ""
}

func (s *plane) drawIXT(p *plot) string {
	p.xName, p.yName = "epoch", "bits"
	p.logX = true
	S := p.c.S
	pl := s.pl
	if pl.Epoch == 0 {
		return "take a step: one epoch of training, then each layer is measured"
	}
	var ss []series
	for l := range pl.Hidden() {
		st, ds := layerStyle(S, l)
		var xs, ys []float64
		for k, e := range pl.Epochs {
			if e > 0 {
				xs, ys = append(xs, float64(e)), append(ys, pl.IXT[k][l])
			}
		}
		ss = append(ss, series{xs: xs, ys: ys, style: st, dash: ds})
	}
	p.draw([2]float64{1, math.Max(10, float64(pl.Epoch))}, [2]float64{0, 12.5}, ss...)
	return ""
}

func (s *plane) drawLoss(p *plot) string {
	p.xName, p.yName = "epoch", "loss"
	p.logX = true
	if s.pl.Epoch == 0 {
		return "take a step: one epoch of training"
	}
	hi := maxOf(0.0, s.loss.ys)
	p.draw([2]float64{1, math.Max(10, float64(s.pl.Epoch))}, [2]float64{0, hi*1.05 + 1e-9}, series{xs: s.loss.xs, ys: s.loss.ys, style: p.c.S.Series[0]})
	return ""
}

func (s *plane) lastUpdate(d *drawer) string {
	pl, S := s.pl, d.S()
	if pl.Epoch == 0 {
		return S.Dim.Render("press n for one epoch of SGD on 80% of the 4096 patterns; every layer T is then binned and placed at (I(X;T), I(T;Y))")
	}
	k := len(pl.IXT) - 1
	var xs []string
	for l := range pl.IXT[k] {
		xs = append(xs, fmt.Sprintf("%.2f", pl.IXT[k][l]))
	}
	return fmt.Sprintf("epoch %d (measured at %d), loss %.4f; I(X;T) %s bits", pl.Epoch, pl.Epochs[k], pl.Loss, strings.Join(xs, " ")) + "\n" +
		S.Dim.Render(fmt.Sprintf("last layer's I(T;Y) %.3f of H(Y) %.3f", pl.ITY[k][len(pl.ITY[k])-1], models.LabelEntropy()))
}
