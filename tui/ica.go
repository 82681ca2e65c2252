package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"gonum.org/v1/gonum/mat"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// The ica topic has two units: sources mixed and unmixed one update at a
// time, and ICA against PCA on image patches.

func newICA(exp string) unit {
	if exp == topic.ExpPatches {
		return &patchICA{}
	}
	return &mixICA{}
}

type icaPanel struct{}

func (icaPanel) tabs() []string                          { return []string{"Theory"} }
func (icaPanel) panel(_ *drawer, _ string, w int) string { return wrap(icaTheory, w) }

const icaTheory = `Blind separation: N independent sources s are mixed by an unknown A, x = As; find W with u = Wx independent. "Blind" because neither the sources nor A are known: only their independence is assumed.
Infomax (Bell and Sejnowski 1995): pass u through the logistic y = g(u) and maximise the output entropy H(y). The gradient is ΔW ∝ (Wᵀ)⁻¹ + (1 − 2y)xᵀ. It is maximum likelihood with sources whose density is the logistic's derivative, a super-Gaussian: the model of the sources is the nonlinearity.
Why a nonlinearity: with a linear output only second-order statistics enter, and any rotation of whitened data keeps them: they fix W only up to a rotation.
Why not Gaussians: a Gaussian vector with identity covariance looks the same in every rotation (its density depends on |z| alone), so no rotation is better than another. Two Gaussians cannot be unmixed; with one Gaussian among the sources the others can still be.
Sub- and super-Gaussian: the logistic's score suits peaked, heavy-tailed sources (speech, Laplacian); for flat ones (uniform, sine) its fixed point is unstable and the run drifts away. Extended infomax switches each output's score between tanh(u) + u and u − tanh(u) by the sign of E[sech²u]E[u²] − E[u tanh u].
The natural gradient (Amari, Cichocki and Yang 1996): multiply the gradient by WᵀW: ΔW ∝ (I − φ(u)uᵀ)W. Then ΔC = (I − φ(u)uᵀ)C for C = WA, with u = Cs: the path of C depends on the sources and the start, not on A (equivariance). The plain gradient's step in C is (Wᵀ)⁻¹A + φsᵀAᵀA: an ill-conditioned A slows it.
FastICA (Hyvärinen 1999): on whitened data, w⁺ = E[z g(wᵀz)] − E[g′(wᵀz)]w, then re-orthogonalise: a Newton step on the contrast. It converges quadratically (cubically for the kurtosis contrast with symmetric sources) and has no step size.
The Amari index of C measures what is left: 0 for a scaled permutation, 1 at worst.
Questions: why is ICA "blind"? Why does the natural gradient not care about A? Why can two Gaussians not be unmixed? Why do sub- and super-Gaussian sources need different nonlinearities?`

// icaTrace is how many samples the aligned traces show.
const icaTrace = 120

// mixICA is one (or, compared, two) unmixing runs.
type mixICA struct {
	icaPanel
	c, other      *models.ICA
	amari, amari2 trace
	kurt          []float64
	// two sources: the contrast Σ|kurt| of the whitened data rotated by θ
	angles, contrast []float64
	zw               *mat.Dense // the whitened mixtures (for the plane)
	pair             [2]int     // the outputs the scatter shows
}

var pairKey = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "the next pair of outputs in the scatter"))

func (s *mixICA) reset(v topic.Values, seed uint64) error {
	c, err := models.NewICA(topic.ICAParams(v), seed)
	if err != nil {
		return err
	}
	*s = mixICA{c: c, pair: [2]int{0, 1}}
	if topic.CompareOn(v) {
		p := topic.ICAParams(v)
		p.Algorithm = topic.CompareAlgorithm(v)
		if s.other, err = models.NewICA(p, seed); err != nil {
			return err
		}
	}
	s.zw = mat.NewDense(2, 1, nil)
	if c.Params().Sources == 2 {
		s.zw.Reset()
		s.zw.Mul(c.V, c.X)
		s.angles, s.contrast = models.RotationContrast(s.zw, 90)
	}
	s.record()
	return nil
}

func (s *mixICA) record() {
	s.amari.add(float64(s.c.Steps), s.c.Amari())
	if s.other != nil {
		s.amari2.add(float64(s.other.Steps), s.other.Amari())
	}
	s.kurt = s.c.Kurtosis()
}

func (s *mixICA) step() {
	s.c.Step()
	if s.other != nil {
		s.other.Step()
	}
	s.record()
}

func (s *mixICA) finished(topic.Values) (bool, string) {
	switch {
	case s.c.Diverged():
		return true, "the unmixing diverged: a smaller rate, or the natural gradient"
	case s.c.Converged():
		return true, fmt.Sprintf("FastICA converged after %d iterations", s.c.Steps)
	}
	return false, ""
}

func (s *mixICA) keys() []key.Binding {
	if s.c.Params().Sources > 2 {
		return []key.Binding{pairKey}
	}
	return nil
}

func (s *mixICA) key(msg tea.KeyMsg) bool {
	n := s.c.Params().Sources
	if n > 2 && key.Matches(msg, pairKey) {
		i, j := s.pair[0], s.pair[1]+1
		if j >= n {
			i, j = (i+1)%(n-1), 0
			j = i + 1
		}
		s.pair = [2]int{i, j}
		return true
	}
	return false
}

func (s *mixICA) status() string {
	c := s.c
	out := fmt.Sprintf("%s · Amari %.4f", c.Params().Algorithm, c.Amari())
	if s.other != nil {
		out += fmt.Sprintf(" · %s %.4f", s.other.Params().Algorithm, s.other.Amari())
	}
	if c.Diverged() {
		out += " · diverged"
	}
	return out
}

func (s *mixICA) layout(d *drawer) layout {
	S := d.S()
	c := s.c
	p := c.Params()
	amariLegend := S.Series[0].Render("━ " + p.Algorithm)
	if s.other != nil {
		amariLegend += "  " + S.Series[1].Render("┅ "+s.other.Params().Algorithm)
	}
	amariLegend += "  " + S.Dim.Render("┈ 0.05")
	right := []box{d.chart("amari", "Amari index of C = WA", amariLegend, s.drawAmari), s.globalBox(d)}
	if p.Sources == 2 {
		a := d.chart("angle", "contrast Σ|kurt| against the rotation θ",
			S.Series[1].Render("━ contrast")+"  "+S.Series[0].Render("│ W's angle now")+"  "+S.Dim.Render("period 90°: any order and sign"), s.drawAngle)
		a.optional = true
		o := d.chart("scatter", "outputs u1, u2", S.Dim.Render("· mixtures x")+"  "+S.Series[0].Render("· outputs u = Wx")+"  "+S.Dim.Render("each at unit variance"), s.drawScatter)
		o.optional = true
		right = append(right, a, o)
	}
	tr := d.chart("traces", "sources and recovered signals", S.Series[2].Render("━ source")+"  "+S.Series[0].Render("┅ output, sign and order matched"), s.drawTraces)
	tr.optional = true
	right = append(right, tr)
	var main box
	title := fmt.Sprintf("%d %s · cond A %s", p.Sources, p.Kind, num(p.Condition))
	if p.Sources == 2 {
		main = d.chart("plane", title, S.Dim.Render("· whitened mixtures z = Vx")+"  "+
			S.Series[0].Render("━1 ━2 the rows of W, in the whitened plane")+"  "+S.Series[2].Render("×┈× the sources' axes"), s.drawPlane)
	} else {
		main = d.chart("scatter", fmt.Sprintf("outputs u%d, u%d", s.pair[0]+1, s.pair[1]+1),
			S.Dim.Render(fmt.Sprintf("%d %s sources, cond A %s", p.Sources, p.Kind, num(p.Condition)))+"  "+S.Dim.Render("· mixtures x")+"  "+S.Series[0].Render("· outputs u = Wx")+"  "+S.Dim.Render("c: next pair"), s.drawScatter)
	}
	main.legendFrom = 12
	return layout{main: main, update: s.lastUpdate(d), right: right}
}

// globalBox shows C = WA, each row scaled to its largest entry, shaded,
// and each output's kurtosis.
func (s *mixICA) globalBox(d *drawer) box {
	c := s.c
	n := c.Params().Sources
	return box{title: "C = WA, rows scaled · kurtosis", min: min(n, 10) + 1, draw: func(w, h int) string {
		C := c.Global()
		header := []string{""}
		for j := range n {
			header = append(header, fmt.Sprintf("s%d", j+1))
		}
		header = append(header, "kurt")
		var rows [][]string
		for i := range n {
			row := []string{fmt.Sprintf("u%d", i+1)}
			r := C.RawRowView(i)
			mx := 0.0
			for _, v := range r {
				mx = math.Max(mx, math.Abs(v))
			}
			for _, v := range r {
				f := 0.0
				if mx > 0 {
					f = math.Abs(v) / mx
				}
				row = append(row, d.c.heatCell(fmt.Sprintf("%.2f", f), f, true))
			}
			row = append(row, fmt.Sprintf("%+.2f", s.kurt[i]))
			rows = append(rows, row)
		}
		return table(header, rows, w, h)
	}}
}

func (s *mixICA) drawAmari(p *plot) string {
	p.xName, p.yName = "update", "Amari"
	p.intX, p.logY = true, true
	S := p.c.S
	xmax := math.Max(10, s.amari.last())
	lo := 1e-3
	for _, t := range []trace{s.amari, s.amari2} {
		for _, y := range t.ys {
			if y > 0 {
				lo = math.Min(lo, y)
			}
		}
	}
	ss := []series{hline(0, xmax, 0.05, S.Dim, dotted), {xs: s.amari.xs, ys: s.amari.ys, style: S.Series[0]}}
	if s.other != nil {
		ss = append(ss, series{xs: s.amari2.xs, ys: s.amari2.ys, style: S.Series[1], dash: dashed})
	}
	p.draw([2]float64{0, xmax}, [2]float64{lo / 2, 1}, ss...)
	return ""
}

func (s *mixICA) drawAngle(p *plot) string {
	p.xName, p.yName = "θ (°)", ""
	S := p.c.S
	deg := make([]float64, len(s.angles))
	for i, a := range s.angles {
		deg[i] = a * 180 / math.Pi
	}
	hi := maxOf(0.1, s.contrast) * 1.1
	th := math.Mod(models.ICAAngle(s.c)*180/math.Pi+360, 90)
	p.draw([2]float64{0, 90}, [2]float64{0, hi},
		series{xs: deg, ys: s.contrast, style: S.Series[1]},
		series{xs: []float64{th, th}, ys: []float64{0, hi}, style: S.Series[0]})
	return ""
}

func (s *mixICA) drawPlane(p *plot) string {
	p.xName, p.yName = "z₁", "z₂"
	S := p.c.S
	z := s.zw
	_, m := z.Dims()
	k := min(m, 600)
	xs, ys := make([]float64, k), make([]float64, k)
	for i := range k {
		xs[i], ys[i] = z.At(0, i*m/k), z.At(1, i*m/k)
	}
	const R = 4.0
	ss := []series{{xs: xs, ys: ys, style: S.Dim, points: true}}
	// the sources' directions in the whitened plane: the columns of VA,
	// marked × at the ends; the rows of W as arrows out of the cloud,
	// their tips numbered
	var VA mat.Dense
	VA.Mul(s.c.V, s.c.A)
	for j := range 2 {
		a, b := VA.At(0, j), VA.At(1, j)
		l := math.Hypot(a, b)
		ends := series{xs: []float64{-R * a / l, R * a / l}, ys: []float64{-R * b / l, R * b / l}, style: S.Series[2]}
		ss = append(ss, series{xs: ends.xs, ys: ends.ys, style: S.Series[2], dash: dotted})
		ends.glyph = '×'
		ss = append(ss, ends)
	}
	for i, r := range models.WhitenedRows(s.c) {
		ss = append(ss, series{xs: []float64{0, 0.9 * R * r[0]}, ys: []float64{0, 0.9 * R * r[1]}, style: S.Series[0]},
			series{xs: []float64{0.9 * R * r[0]}, ys: []float64{0.9 * R * r[1]}, style: S.Series[0], glyph: rune('1' + i)})
	}
	ar := float64(max(p.w-6, 1)) / float64(2*max(p.h-2, 1)) // cells are twice as tall as wide
	p.draw([2]float64{-R * ar, R * ar}, [2]float64{-R, R}, ss...)
	return ""
}

func (s *mixICA) drawScatter(p *plot) string {
	i, j := s.pair[0], s.pair[1]
	p.xName, p.yName = fmt.Sprintf("u%d", i+1), fmt.Sprintf("u%d", j+1)
	S := p.c.S
	Y := s.c.Outputs()
	_, m := Y.Dims()
	k := min(m, 1500)
	ux, uy := make([]float64, k), make([]float64, k)
	xx, xy := make([]float64, k), make([]float64, k)
	// each shown on its own scale: unit variance
	sd := func(row []float64) float64 {
		v := 0.0
		for _, x := range row {
			v += x * x
		}
		return math.Sqrt(v/float64(len(row))) + 1e-300
	}
	si, sj := sd(Y.RawRowView(i)), sd(Y.RawRowView(j))
	xi, xj := sd(s.c.X.RawRowView(i)), sd(s.c.X.RawRowView(j))
	for t := range k {
		c := t * m / k
		ux[t], uy[t] = Y.At(i, c)/si, Y.At(j, c)/sj
		xx[t], xy[t] = s.c.X.At(i, c)/xi, s.c.X.At(j, c)/xj
	}
	ar := float64(max(p.w-6, 1)) / float64(2*max(p.h-2, 1))
	p.draw([2]float64{-4 * ar, 4 * ar}, [2]float64{-4, 4},
		series{xs: xx, ys: xy, style: S.Dim, points: true},
		series{xs: ux, ys: uy, style: S.Series[0], points: true})
	return ""
}

func (s *mixICA) drawTraces(p *plot) string {
	p.xName, p.yName = "sample", ""
	p.intX = true
	S := p.c.S
	n := min(3, s.c.Params().Sources)
	match, sign := s.c.Match()
	Y := s.c.Outputs()
	var ss []series
	for j := range n {
		src := s.c.S.RawRowView(j)
		out := Y.RawRowView(match[j])
		sd := 0.0
		for _, v := range out {
			sd += v * v
		}
		sd = math.Sqrt(sd/float64(len(out))) + 1e-300
		xs := make([]float64, icaTrace)
		a, b := make([]float64, icaTrace), make([]float64, icaTrace)
		off := float64(6 * (n - 1 - j))
		for t := range icaTrace {
			xs[t] = float64(t)
			a[t] = math.Max(-2.9, math.Min(2.9, src[t])) + off
			b[t] = math.Max(-2.9, math.Min(2.9, sign[j]*out[t]/sd)) + off
		}
		ss = append(ss, series{xs: xs, ys: a, style: S.Series[2]}, series{xs: xs, ys: b, style: S.Series[0], dash: dashed})
	}
	p.draw([2]float64{0, icaTrace}, [2]float64{-3, float64(6*(n-1)) + 3}, ss...)
	return ""
}

func (s *mixICA) lastUpdate(d *drawer) string {
	S := d.S()
	c := s.c
	p := c.Params()
	if c.Steps == 0 {
		if p.Algorithm == models.ICAFast {
			return S.Dim.Render("n: one fixed-point iteration over all samples; no step size")
		}
		return S.Dim.Render(fmt.Sprintf("n: one update from %d samples with η = %s", p.Batch, num(p.Rate)))
	}
	var out string
	switch p.Algorithm {
	case models.ICAFast:
		out = fmt.Sprintf("iteration %d: w⁺ = E[z g(wᵀz)] − E[g′(wᵀz)]w, re-orthogonalised", c.Steps)
		gap := fmt.Sprintf("1 − |⟨w⁺, w⟩| = %.2e", c.Gap)
		if p.Deflation {
			gap = fmt.Sprintf("component %d: ", min(c.Comp+1, p.Sources)) + gap
		}
		out += "\n" + gap
	case models.ICAInfomax:
		out = fmt.Sprintf("update %d: ΔW = η[(Wᵀ)⁻¹ + (1 − 2y)xᵀ], η = %s, %d samples", c.Steps, num(p.Rate), p.Batch)
	case models.ICAExtended:
		k := make([]string, len(c.K))
		for i, x := range c.K {
			k[i] = map[bool]string{true: "+", false: "−"}[x > 0]
		}
		out = fmt.Sprintf("update %d: ΔW = η[I − K tanh(u)uᵀ − uuᵀ]W, η = %s; K = %s (+ super-, − sub-Gaussian)", c.Steps, num(p.Rate), strings.Join(k, ""))
	default:
		out = fmt.Sprintf("update %d: ΔW = η(I − φ(u)uᵀ)W, η = %s, %d samples", c.Steps, num(p.Rate), p.Batch)
	}
	out += "\n" + S.Accent.Render(fmt.Sprintf("‖ΔW‖/‖W‖ = %.2e · Amari index %.4f", c.Change, c.Amari()))
	if p.Kind == models.SrcGauss {
		out += "\n" + S.Warn.Render("Gaussian sources: every rotation of the whitened data looks the same; no W is better than another")
	}
	return out
}

// patchICA is ICA against PCA on image patches.
type patchICA struct {
	icaPanel
	ps                     *models.Patches
	gap                    trace
	pcaK, pcaL, icaK, icaL []float64
}

func (s *patchICA) reset(v topic.Values, seed uint64) error {
	ps, err := topic.PatchesOf(v, seed)
	if err != nil {
		return err
	}
	*s = patchICA{ps: ps}
	s.pcaK, s.pcaL = ps.FilterStats(ps.PCAFilters())
	s.icaK, s.icaL = ps.FilterStats(ps.ICAFilters())
	return nil
}

func (s *patchICA) step() {
	if s.ps.Converged() {
		return
	}
	s.ps.Step()
	s.gap.add(float64(s.ps.Iter), s.ps.Gap)
	s.icaK, s.icaL = s.ps.FilterStats(s.ps.ICAFilters())
}

func (s *patchICA) finished(topic.Values) (bool, string) {
	return s.ps.Converged(), fmt.Sprintf("converged after %d iterations", s.ps.Iter)
}

func (s *patchICA) keys() []key.Binding { return nil }
func (s *patchICA) key(tea.KeyMsg) bool { return false }

func (s *patchICA) status() string {
	return fmt.Sprintf("iteration %d · kurtosis ICA %.2f, PCA %.2f · locality ICA %.3f, PCA %.3f",
		s.ps.Iter, mean(s.icaK), mean(s.pcaK), mean(s.icaL), mean(s.pcaL))
}

// filterTiles draws the filters (rows of F) as shaded pictures, as many
// as fit in w×h.
func filterTiles(c *Common, F *mat.Dense, size, w, h int) string {
	k, _ := F.Dims()
	picH := (size + 1) / 2
	perRow := max(1, (w+1)/(size+1))
	rows := max(1, (h+1)/(picH+1))
	var lines []string
	for r := 0; r < rows && r*perRow < k; r++ {
		var pics [][]string
		for i := r * perRow; i < min(k, (r+1)*perRow); i++ {
			pics = append(pics, c.shades(F.RawRowView(i), size, size, true, picH))
		}
		for y := range picH {
			var b strings.Builder
			for i, pic := range pics {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(pic[y])
			}
			lines = append(lines, b.String())
		}
		lines = append(lines, "")
	}
	return block(strings.Join(lines, "\n"), w, h)
}

func (s *patchICA) layout(d *drawer) layout {
	S := d.S()
	ps := s.ps
	size := ps.Params().Size
	src := "a dead-leaves image"
	if ps.Img.W != 256 || ps.Img.H != 256 {
		src = fmt.Sprintf("the %d×%d image", ps.Img.W, ps.Img.H)
	}
	shade := S.Bad.Render("red +") + " " + S.Accent.Render("blue −")
	main := box{title: fmt.Sprintf("ICA filters · %d×%d patches", size, size), min: (size+1)/2 + 1,
		legend: shade + "  " + S.Dim.Render(fmt.Sprintf("rows of WV from %d patches of %s: localised, oriented, edge detectors", ps.Params().Patches, src)),
		draw: func(w, h int) string {
			return d.throttled("ica", w, h, func() string { return filterTiles(d.c, ps.ICAFilters(), size, w, h) })
		}}
	pca := box{title: "PCA filters, by falling variance", min: (size + 1) / 2, legend: shade + "  " + S.Dim.Render("global, like Fourier modes"),
		draw: func(w, h int) string {
			return d.throttled("pca", w, h, func() string { return filterTiles(d.c, ps.PCAFilters(), size, w, h) })
		}}
	stats := box{title: "response kurtosis and locality", min: 3, essential: []string{fmt.Sprintf("%.2f", mean(s.icaK))},
		legend: S.Dim.Render("locality Σw⁴/(Σw²)²: 1/d spread over d pixels, 1 for one pixel"),
		draw: func(w, h int) string {
			return table([]string{"filters", "kurtosis", "locality"}, [][]string{
				{"ICA", fmt.Sprintf("%.2f", mean(s.icaK)), fmt.Sprintf("%.3f", mean(s.icaL))},
				{"PCA", fmt.Sprintf("%.2f", mean(s.pcaK)), fmt.Sprintf("%.3f", mean(s.pcaL))},
			}, w, h)
		}}
	gap := d.chart("gap", "FastICA's 1 − |⟨w⁺, w⟩|", S.Series[0].Render("━ largest over the filters")+"  "+S.Dim.Render(fmt.Sprintf("┈ converged below %.0e", models.PatchTol)), s.drawGap)
	gap.optional = true
	return layout{main: main, update: s.lastUpdate(d), right: []box{pca, stats, gap}}
}

func (s *patchICA) drawGap(p *plot) string {
	p.xName, p.yName = "iteration", ""
	p.intX, p.logY = true, true
	if len(s.gap.xs) == 0 {
		return "n: one FastICA iteration over every patch"
	}
	xmax := math.Max(5, s.gap.last())
	lo := math.Min(models.PatchTol/2, 1e-5)
	p.draw([2]float64{0, xmax}, [2]float64{lo, 2},
		hline(0, xmax, models.PatchTol, p.c.S.Dim, dotted),
		series{xs: s.gap.xs, ys: s.gap.ys, style: p.c.S.Series[0]})
	return ""
}

func (s *patchICA) lastUpdate(d *drawer) string {
	S := d.S()
	ps := s.ps
	if ps.Iter == 0 {
		return S.Dim.Render(fmt.Sprintf("the patches are whitened by PCA (%d components); n: one symmetric FastICA iteration (log-cosh) rotates them", ps.Components()))
	}
	return fmt.Sprintf("iteration %d: 1 − |⟨w⁺, w⟩| = %.2e", ps.Iter, ps.Gap) + "\n" +
		S.Accent.Render(fmt.Sprintf("ICA responses: kurtosis %.2f (PCA %.2f): sparser", mean(s.icaK), mean(s.pcaK)))
}
