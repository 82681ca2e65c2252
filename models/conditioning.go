package models

import (
	"fmt"
	"math/rand/v2"
)

// Pavlovian conditioning by temporal differences (Sutton and Barto 1990;
// Montague, Dayan and Sejnowski 1996; Schultz, Dayan and Montague 1997): a
// cue, a reward a fixed delay later, the time since the cue coded by a
// tapped delay line (the "complete serial compound": one unit for each
// time step after the cue) and V(t) = w·x(t). The TD error
// δ(t) = r(t) + γV(t) − V(t−1) is the dopamine signal: at first it fires
// at the reward; over training it moves to the cue, which is not itself
// predicted (before the cue the code is all zeros); a reward left out
// gives a dip at the time it was due.

// CondParams configures the conditioning trials.
type CondParams struct {
	Length               int     // time steps in a trial
	Cue                  int     // the cue's time step
	Delay                int     // steps from the cue to the reward
	Omit                 float64 // probability that a trial's reward is left out
	Alpha, Gamma, Lambda float64
}

// CondTrial and CondCue are the trial's length and the cue's time.
const (
	CondTrial = 25
	CondCue   = 5
)

// Validate names a setting out of range.
func (p CondParams) Validate() error {
	switch {
	case p.Cue < 1 || p.Cue >= p.Length:
		return fmt.Errorf("cue at %d: must be in 1..%d", p.Cue, p.Length-1)
	case p.Delay < 1 || p.Cue+p.Delay >= p.Length:
		return fmt.Errorf("delay = %d: must be in 1..%d (the reward inside the trial)", p.Delay, p.Length-1-p.Cue)
	case !(p.Omit >= 0 && p.Omit <= 1):
		return fmt.Errorf("omit = %g: must be in [0, 1]", p.Omit)
	case !(p.Alpha > 0 && p.Alpha <= 1):
		return fmt.Errorf("alpha = %g: must be in (0, 1]", p.Alpha)
	case !(p.Gamma >= 0 && p.Gamma <= 1):
		return fmt.Errorf("gamma = %g: must be in [0, 1]", p.Gamma)
	case !(p.Lambda >= 0 && p.Lambda <= 1):
		return fmt.Errorf("lambda = %g: must be in [0, 1]", p.Lambda)
	}
	return nil
}

// CondRaster bounds the trials whose TD errors are kept: past it every
// other one is dropped and only every stride-th trial after is kept, so
// that the raster spans the whole training.
const CondRaster = 400

// Conditioning runs the trials; one step is one time step of a trial.
type Conditioning struct {
	p   CondParams
	rng *rand.Rand
	W   []float64 // one weight for each step after the cue
	e   []float64
	T   int // the time step reached in the current trial (0: not begun)
	// the current trial: whether its reward comes, its δ by time step
	// (Delta[t] for t = 1..Length, on arriving at t; Delta[0] is 0)
	Rewarded bool
	Delta    []float64
	Trials   int // finished
	// the last finished trial's δ at the cue and at the reward's time
	DeltaCue, DeltaReward float64
	LastRewarded          bool
	// kept trials' δ (as Delta), oldest first, with their numbers (from 1)
	// and whether they were rewarded
	Raster         [][]float64
	RasterTrial    []int
	RasterRewarded []bool
	stride         int
}

// NewConditioning starts the trials with w = 0.
func NewConditioning(p CondParams, seed uint64) (*Conditioning, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := p.Length - p.Cue
	c := &Conditioning{p: p, rng: rand.New(rand.NewPCG(seed, 0x434f4e44)), W: make([]float64, n), e: make([]float64, n)}
	c.begin()
	return c, nil
}

// Params are the settings.
func (c *Conditioning) Params() CondParams { return c.p }

func (c *Conditioning) begin() {
	c.T = 0
	c.Rewarded = c.rng.Float64() >= c.p.Omit
	c.Delta = make([]float64, c.p.Length+1)
	clear(c.e)
}

// V is the prediction at time step t: w of the delay-line unit active then.
func (c *Conditioning) V(t int) float64 {
	if k := t - c.p.Cue; k >= 0 && k < len(c.W) {
		return c.W[k]
	}
	return 0
}

// RewardTime is the time step of the reward.
func (c *Conditioning) RewardTime() int { return c.p.Cue + c.p.Delay }

// Step advances one time step: δ(t) = r(t) + γV(t) − V(t−1), and the
// weights of the units active before (through the traces) move by αδ.
func (c *Conditioning) Step() {
	c.T++
	t := c.T
	r := 0.0
	if t == c.RewardTime() && c.Rewarded {
		r = 1
	}
	v := 0.0
	if t < c.p.Length {
		v = c.V(t)
	}
	d := r + c.p.Gamma*v - c.V(t-1)
	c.Delta[t] = d
	for i := range c.e {
		c.e[i] *= c.p.Gamma * c.p.Lambda
	}
	if k := t - 1 - c.p.Cue; k >= 0 && k < len(c.e) {
		c.e[k]++
	}
	for i, e := range c.e {
		c.W[i] += c.p.Alpha * d * e
	}
	if t == c.p.Length {
		c.DeltaCue, c.DeltaReward = c.Delta[c.p.Cue], c.Delta[c.RewardTime()]
		c.LastRewarded = c.Rewarded
		c.Trials++
		c.keep()
		c.begin()
	}
}

// keep adds the trial just finished to the raster if it falls on the
// stride, halving the raster when it is full.
func (c *Conditioning) keep() {
	if c.stride == 0 {
		c.stride = 1
	}
	if (c.Trials-1)%c.stride != 0 {
		return
	}
	c.Raster = append(c.Raster, c.Delta)
	c.RasterTrial = append(c.RasterTrial, c.Trials)
	c.RasterRewarded = append(c.RasterRewarded, c.Rewarded)
	if len(c.Raster) > CondRaster {
		k := 0
		for i := 0; i < len(c.Raster); i += 2 {
			c.Raster[k], c.RasterTrial[k], c.RasterRewarded[k] = c.Raster[i], c.RasterTrial[i], c.RasterRewarded[i]
			k++
		}
		c.Raster, c.RasterTrial, c.RasterRewarded = c.Raster[:k], c.RasterTrial[:k], c.RasterRewarded[:k]
		c.stride *= 2
	}
}

// Trial runs the rest of the current trial.
func (c *Conditioning) Trial() {
	for n := c.Trials; c.Trials == n; {
		c.Step()
	}
}
