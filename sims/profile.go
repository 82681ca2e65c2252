package sims

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Profile is the histogram of the walkers' x coordinates against Fick's
// solution for a point source, n(x,t) = N/√(4πDt) · exp(−x²/4Dt), integrated
// over each bin. Walkers outside the binned range are counted in Below and
// Above, with the expected counts of those tails.
type Profile struct {
	Edges              []float64 // len(Count)+1 bin edges
	Count, Expected    []float64
	Below, Above       float64
	ExpBelow, ExpAbove float64
}

// Profile bins x over ±4σ(t) into about nbins bins (nbins ≥ 1). On the
// lattice the bins are centred on the sites a walker can occupy, so that
// the discreteness of the walk does not bias the comparison. At t = 0 every
// walker is at the origin and the profile is empty.
func (d *Diffusion) Profile(nbins int) Profile {
	sigma := d.p.SigmaTheory(d.T())
	if d.n == 0 || !(sigma > 0) || nbins < 1 {
		return Profile{}
	}
	lo, w := -4*sigma, 8*sigma/float64(nbins)
	if d.p.Mode == Lattice {
		a := d.p.A
		w = 2 * a * math.Max(1, math.Round(w/(2*a)))
		// sites are at (n mod 2)·a + 2ka; put a bin edge half a site gap below one
		off := float64(d.n%2)*a - a
		lo = off + w*math.Floor((lo-off)/w)
		nbins = int(math.Ceil((4*sigma - lo) / w))
	}
	p := Profile{
		Edges:    make([]float64, nbins+1),
		Count:    make([]float64, nbins),
		Expected: make([]float64, nbins),
	}
	for k := range p.Edges {
		p.Edges[k] = lo + float64(k)*w
	}
	hi := p.Edges[nbins]
	for _, x := range d.x {
		switch {
		case x < lo:
			p.Below++
		case x >= hi:
			p.Above++
		default:
			k := min(int((x-lo)/w), nbins-1)
			p.Count[k]++
		}
	}
	n := float64(len(d.x))
	cdf := func(x float64) float64 { return distuv.UnitNormal.CDF(x / sigma) }
	for k := range p.Count {
		p.Expected[k] = n * (cdf(p.Edges[k+1]) - cdf(p.Edges[k]))
	}
	p.ExpBelow = n * cdf(lo)
	p.ExpAbove = n * (1 - cdf(hi))
	return p
}

// ChiSquare is Pearson's goodness-of-fit test of the counts against the
// expected counts, tails included, after merging neighbouring bins until
// each expects at least 5 walkers. It returns the statistic, its degrees of
// freedom and the p-value; dof = 0 means too few walkers for a test.
func (p Profile) ChiSquare() (chi2 float64, dof int, pval float64) {
	obs := append(append([]float64{p.Below}, p.Count...), p.Above)
	exp := append(append([]float64{p.ExpBelow}, p.Expected...), p.ExpAbove)
	var mo, me []float64 // merged cells
	var o, e float64
	for i := range obs {
		o += obs[i]
		e += exp[i]
		if e >= 5 {
			mo, me = append(mo, o), append(me, e)
			o, e = 0, 0
		}
	}
	if k := len(mo) - 1; k >= 0 {
		mo[k] += o // a short remainder joins the last full cell
		me[k] += e
	}
	for i := range mo {
		chi2 += (mo[i] - me[i]) * (mo[i] - me[i]) / me[i]
	}
	cells := len(mo)
	dof = cells - 1
	if dof < 1 {
		return chi2, 0, math.NaN()
	}
	return chi2, dof, distuv.ChiSquared{K: float64(dof)}.Survival(chi2)
}
