package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// AlphaC is the storage capacity of the Hebbian Hopfield network for
// random patterns, p/N ≈ 0.138 (Amit, Gutfreund and Sompolinsky 1985).
const AlphaC = 0.138

// CapacityLoads are the loads p/N the capacity experiment measures.
var CapacityLoads = []float64{0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.22, 0.25, 0.30}

// CapacityParams configures the capacity experiment.
type CapacityParams struct {
	N         int     // neurons, MinNeurons..MaxNeurons
	Flip      float64 // fraction of the cue's spins flipped, 0..0.5
	MaxSweeps int     // sweeps before a run is stopped, 1..1000
	Bias      float64 // mean activity of the patterns, P(+1) = (1 + bias)/2, 0..0.95
}

// Validate names the first bad field, its value and the valid range.
func (p CapacityParams) Validate() error {
	switch {
	case p.N < MinNeurons || p.N > MaxNeurons:
		return fmt.Errorf("n = %d: must be %d..%d", p.N, MinNeurons, MaxNeurons)
	case !(p.Flip >= 0 && p.Flip <= 0.5):
		return fmt.Errorf("flip = %g: must be 0..0.5", p.Flip)
	case p.MaxSweeps < 1 || p.MaxSweeps > 1000:
		return fmt.Errorf("sweeps = %d: must be 1..1000", p.MaxSweeps)
	case !(p.Bias >= 0 && p.Bias <= 0.95):
		return fmt.Errorf("bias = %g: must be 0..0.95", p.Bias)
	}
	return nil
}

// Capacity measures recall against load for random patterns (biased, with
// Bias > 0) and Hebbian couplings. A trial at the load with the fewest trials so far stores p =
// load·N fresh patterns, cues the first with a fraction of its spins
// flipped, runs T = 0 asynchronous sweeps until no neuron changes (or
// MaxSweeps) and records the final overlap with the cued memory. Each Step
// is one sweep (or the set-up of the next trial), so a step stays short
// even for thousands of neurons.
//
// The dynamics use the overlaps rather than J: a_i = (1/N)·Σ_μ ξ_i^μ m_μ −
// (p/N)·S_i with m_μ = Σ_j ξ_j^μ S_j, which is Hebb's rule with J_ii = 0 at
// O(p) per update and O(N·p) memory.
type Capacity struct {
	p          CapacityParams
	rng        *rand.Rand
	Trials     []int
	OverlapSum []float64 // Σ final overlaps, per load
	Overlap2   []float64 // Σ squares, for the standard error
	Recalled   []int     // trials ending with overlap ≥ RecallThreshold
	LastLoad   int       // the last finished trial: its load index,
	LastM      float64   // final overlap
	LastSweeps int       // and sweeps

	active   bool // a trial is under way
	load, np int  // its load index and number of patterns
	sweeps   int
	xi, m, s []float64
	perm     []int
}

// RecallThreshold is the final overlap counted as a recalled memory.
const RecallThreshold = 0.95

// NewCapacity starts an experiment with no trials.
func NewCapacity(p CapacityParams, seed uint64) (*Capacity, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	k := len(CapacityLoads)
	return &Capacity{p: p, rng: rand.New(rand.NewPCG(seed, 0xca9ac17)),
		Trials: make([]int, k), OverlapSum: make([]float64, k), Overlap2: make([]float64, k), Recalled: make([]int, k)}, nil
}

// Params returns the parameters.
func (c *Capacity) Params() CapacityParams { return c.p }

// P is the number of patterns at load index i.
func (c *Capacity) P(i int) int { return max(1, int(math.Round(CapacityLoads[i]*float64(c.p.N)))) }

// Mean is the mean final overlap at load i with its standard error, and
// the recalled fraction.
func (c *Capacity) Mean(i int) (m, se, recalled float64) {
	n := float64(c.Trials[i])
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	m = c.OverlapSum[i] / n
	if n > 1 {
		v := (c.Overlap2[i] - n*m*m) / (n - 1)
		se = math.Sqrt(math.Max(v, 0) / n)
	}
	return m, se, float64(c.Recalled[i]) / n
}

// Running reports whether a trial is under way, at which load index and
// after how many sweeps, with the current overlap.
func (c *Capacity) Running() (load, sweeps int, m float64, ok bool) {
	if !c.active {
		return 0, 0, 0, false
	}
	return c.load, c.sweeps, c.m[0] / float64(c.p.N), true
}

// Trial runs steps until the current or next trial is finished.
func (c *Capacity) Trial() {
	for {
		if c.Step() {
			return
		}
	}
}

// Step sets up a trial or runs one sweep of it; it reports whether a trial
// finished.
func (c *Capacity) Step() bool {
	if !c.active {
		c.setup()
		return false
	}
	n, p := c.p.N, c.np
	c.sweeps++
	changed := 0
	for _, i := range c.perm {
		row := c.xi[i*p : (i+1)*p]
		var a float64
		for mu, x := range row {
			a += x * c.m[mu]
		}
		a = a/float64(n) - float64(p)/float64(n)*c.s[i]
		if a*c.s[i] < 0 {
			d := -2 * c.s[i]
			c.s[i] = -c.s[i]
			for mu, x := range row {
				c.m[mu] += x * d
			}
			changed++
		}
	}
	if changed > 0 && c.sweeps < c.p.MaxSweeps {
		return false
	}
	m := c.m[0] / float64(n)
	i := c.load
	c.LastLoad, c.LastM, c.LastSweeps = i, m, c.sweeps
	c.Trials[i]++
	c.OverlapSum[i] += m
	c.Overlap2[i] += m * m
	if m >= RecallThreshold {
		c.Recalled[i]++
	}
	c.active = false
	return true
}

// setup stores p random patterns (neuron-major: xi[i*p+μ]) at the load
// with the fewest trials and cues the first.
func (c *Capacity) setup() {
	i := 0
	for k := range c.Trials {
		if c.Trials[k] < c.Trials[i] {
			i = k
		}
	}
	n, p := c.p.N, c.P(i)
	c.active, c.load, c.np, c.sweeps = true, i, p, 0
	c.xi = resize(c.xi, n*p)
	c.m = resize(c.m, p)
	c.s = resize(c.s, n)
	up := (1 + c.p.Bias) / 2
	for k := range c.xi {
		c.xi[k] = -1
		if c.rng.Float64() < up {
			c.xi[k] = 1
		}
	}
	for i := 0; i < n; i++ {
		c.s[i] = c.xi[i*p]
	}
	flips := int(math.Round(c.p.Flip * float64(n)))
	for _, i := range c.rng.Perm(n)[:flips] {
		c.s[i] = -c.s[i]
	}
	clear(c.m)
	for i := 0; i < n; i++ {
		row := c.xi[i*p : (i+1)*p]
		for mu, x := range row {
			c.m[mu] += x * c.s[i]
		}
	}
	c.perm = c.rng.Perm(n)
}

// CrosstalkRow is the signal-to-noise argument at one load p/N: the
// crosstalk's measured spread against √((p−1)/N), and the one-step bit
// errors against Φ(−√(N/p)).
type CrosstalkRow struct {
	Load, SD, SDTheory, Errors, ErrorsTheory float64
}

// CrosstalkTable measures the crosstalk at loads 0.05, 0.10, 0.138 and
// 0.20 for N neurons, examining 4 patterns per set and enough sets for
// about 20,000 bits, so that large N stays quick.
func CrosstalkTable(n int, seed uint64) []CrosstalkRow {
	var rows []CrosstalkRow
	for _, load := range []float64{0.05, 0.10, 0.138, 0.20} {
		p := max(2, int(math.Round(load*float64(n))))
		sd, errs, _ := Crosstalk(n, p, max(2, 5000/n), 4, seed)
		rows = append(rows, CrosstalkRow{load, sd, math.Sqrt(float64(p-1) / float64(n)),
			errs, distuv.UnitNormal.CDF(-math.Sqrt(float64(n) / float64(p)))})
	}
	return rows
}

// Crosstalk measures the signal-to-noise argument on `sets` sets of p
// random patterns of N neurons with Hebbian couplings (J_ii = 0): for each
// stored pattern ν, the field at each site is a_i = ((N−1)/N)·ξ_i^ν + c_i
// with crosstalk c_i of standard deviation √((p−1)(N−1))/N ≈ √((p−1)/N).
// It returns the measured standard deviation of ξ_i^ν·c_i, the fraction of
// bits whose field has the wrong sign (one-step bit errors, ≈ Φ(−√(N/p)))
// and the number of bits measured.
// Each set examines up to `examine` of its patterns (all if examine ≤ 0),
// so that large p stay affordable: the cost is O(N·p·examine) per set.
func Crosstalk(n, p, sets, examine int, seed uint64) (sd, errRate float64, bits int) {
	if examine <= 0 || examine > p {
		examine = p
	}
	rng := rand.New(rand.NewPCG(seed, 0xc4055))
	xi := make([]float64, n*p) // neuron-major
	m := make([]float64, p)
	var sum, sum2 float64
	var errs int
	signal := float64(n-1) / float64(n)
	for range sets {
		for k := range xi {
			xi[k] = float64(2*int(rng.Uint64()&1) - 1)
		}
		for nu := 0; nu < examine; nu++ {
			clear(m)
			for i := 0; i < n; i++ {
				xnu := xi[i*p+nu]
				for mu := 0; mu < p; mu++ {
					m[mu] += xi[i*p+mu] * xnu
				}
			}
			for i := 0; i < n; i++ {
				row := xi[i*p : (i+1)*p]
				var a float64
				for mu, x := range row {
					a += x * m[mu]
				}
				xnu := row[nu]
				a = (a - float64(p)*xnu) / float64(n) // drop j = i: J_ii = 0
				c := xnu*a - signal
				sum += c
				sum2 += c * c
				if xnu*a < 0 {
					errs++
				}
				bits++
			}
		}
	}
	mean := sum / float64(bits)
	return math.Sqrt(sum2/float64(bits) - mean*mean), float64(errs) / float64(bits), bits
}
