package models

import (
	"math"
	"math/rand/v2"

	"github.com/jclub/jclub/sims"
)

// The actor-critic of Barto, Sutton and Anderson (1983) balancing the
// cart-pole: the state is decoded into one of 162 boxes; the critic (their
// "adaptive critic element") learns p = v·x and turns the failure signal
// into the internal reinforcement r̂ = r + γp(t) − p(t−1), a TD error; the
// actor (the "associative search element") pushes left or right with a
// probability set by w·x and moves w by α r̂ along its eligibility traces.

// The 1983 settings.
const (
	acAlpha   = 1000 // the actor's learning rate
	acBeta    = 0.5  // the critic's
	acGamma   = 0.95 // the critic's discount
	acDecayW  = 0.9  // the actor's trace decay δ
	acDecayV  = 0.8  // the critic's trace decay λ
	poleForce = 10   // N, either way
	poleDt    = 0.02 // s a step
	// PoleLimit is how far the pole may fall before the trial fails, rad
	// (12°); the cart fails off the track (±2.4 m).
	PoleLimit = 12 * math.Pi / 180
)

// PoleBoxes is the number of boxes of the state decoder.
const PoleBoxes = 162

// PoleBox is the box of state s, −1 once the trial has failed: x at
// ±0.8 m, ẋ at ±0.5 m/s, θ at 0, ±1°, ±6°, θ̇ at ±50°/s.
func PoleBox(s [4]float64) int {
	const deg = math.Pi / 180
	x, v, th, w := s[0], s[1], s[2], s[3]
	if math.Abs(x) > sims.Track || math.Abs(th) > PoleLimit {
		return -1
	}
	cut := func(z float64, edges ...float64) int {
		for i, e := range edges {
			if z < e {
				return i
			}
		}
		return len(edges)
	}
	return cut(x, -0.8, 0.8) + 3*cut(v, -0.5, 0.5) + 9*cut(th, -6*deg, -deg, 0, deg, 6*deg) + 54*cut(w, -50*deg, 50*deg)
}

// PoleCart is the learner with its cart-pole; one step is one 20 ms
// control interval. A trial ends when the pole falls or the cart leaves
// the track, or after Limit steps balanced (a success).
type PoleCart struct {
	rng      *rand.Rand
	Limit    int
	W, V     [PoleBoxes]float64
	e, xbar  [PoleBoxes]float64
	S        [4]float64
	box      int
	Steps    int // of the current trial
	Trials   int // finished
	Moves    int
	Push     float64 // the last force, N
	Right    float64 // the probability the actor gave to pushing right
	Delta    float64 // the last r̂
	P        float64 // the critic's p(t)
	Failed   bool    // the last step ended a trial by failure
	LastLen  int     // steps of the last finished trial
	LastFail bool
}

// NewPoleCart starts the learner with zero weights, the cart centred and
// the pole upright at rest.
func NewPoleCart(limit int, seed uint64) *PoleCart {
	c := &PoleCart{rng: rand.New(rand.NewPCG(seed, 0x504f4c45)), Limit: limit}
	c.box = PoleBox(c.S)
	return c
}

// Step pushes, moves the cart-pole, and learns.
func (c *PoleCart) Step() {
	b := c.box
	c.Right = 1 / (1 + math.Exp(-math.Max(-50, math.Min(50, c.W[b]))))
	y := 0.0
	if c.rng.Float64() < c.Right {
		y = 1
	}
	c.Push = poleForce * (2*y - 1)
	c.e[b] += (1 - acDecayW) * (y - 0.5)
	c.xbar[b] += 1 - acDecayV
	old := c.V[b]
	c.S = sims.Barto83.Advance(c.S, c.Push, poleDt)
	c.Steps++
	c.Moves++
	c.box = PoleBox(c.S)
	r, p := 0.0, 0.0
	c.Failed = c.box < 0
	if c.Failed {
		r = -1
	} else {
		p = c.V[c.box]
	}
	c.P = p
	c.Delta = r + acGamma*p - old
	end := c.Failed || c.Steps >= c.Limit
	for i := range c.W {
		c.W[i] += acAlpha * c.Delta * c.e[i]
		c.V[i] += acBeta * c.Delta * c.xbar[i]
		if end {
			c.e[i], c.xbar[i] = 0, 0
		} else {
			c.e[i] *= acDecayW
			c.xbar[i] *= acDecayV
		}
	}
	if end {
		c.LastLen, c.LastFail = c.Steps, c.Failed
		c.Trials++
		c.Steps = 0
		c.S = [4]float64{}
		c.box = PoleBox(c.S)
	}
}
