package topic

import (
	"math"
)

// The club's questions, topic by topic: each post's fundamental and
// advanced questions (the posts of the seed: Standard Diffusion, Anomalous
// Diffusion, Life at Low Reynolds Number, Energy Based Neural Networks,
// Training Networks, Deep Learning) and, for the seminar topics, the
// questions their papers raise. Each is set up to be answered by
// experiment; its Expect says what the observable does.

const (
	postDiffusion = "the club's post on standard diffusion"
	postAnomalous = "the club's post on anomalous diffusion"
	postReynolds  = "the club's post on life at low Reynolds number"
	postEnergy    = "the club's post on energy-based networks"
	postTraining  = "the club's post on training networks"
	postDeep      = "the club's post on deep learning"
)

// slope is the log-log slope of y against x between rows i and j.
func slope(x, y []float64, i, j int) float64 {
	return math.Log(y[j]/y[i]) / math.Log(x[j]/x[i])
}

// meanFrom is the mean of v from index k on.
func meanFrom(v []float64, k int) float64 {
	s, n := 0.0, 0
	for i := k; i < len(v); i++ {
		s += v[i]
		n++
	}
	return s / float64(max(n, 1))
}

// at is the value of column y in the row where column x is nearest want.
func at(o Outcome, x, y string, want float64) float64 {
	xs, ys := o.Col(x), o.Col(y)
	best, k := math.Inf(1), -1
	for i, v := range xs {
		if d := math.Abs(v - want); d < best {
			best, k = d, i
		}
	}
	if k < 0 {
		return math.NaN()
	}
	return ys[k]
}

func init() {
	Diffusion.Questions = []Question{
		{ID: "safe-assumption", From: postDiffusion + " (fundamental)",
			Text: "Einstein assumed independent, identical, unbiased steps; biology often breaks two of them. Which is safe, and what does the MSD do when all three hold?",
			Set:  []string{"--mode", "gauss", "--walkers", "2000"}, Seed: 1, Steps: 500,
			Do: "press space: the MSD follows 2dDt within its error bar; the anomalous topic's questions then break one assumption each",
			Expect: func(o Outcome) error {
				m, th, se := o.Last("msd"), o.Last("msd_theory"), o.Last("msd_se")
				return expectf(math.Abs(m-th) < 4*se, "MSD %.4g against 2dDt %.4g (se %.3g)", m, th, se)
			}},
		{ID: "which-diffusive", From: postDiffusion + " (fundamental)",
			Text: "Which processes are diffusive? A diffusive spread grows as √t, not t: does doubling the time double the MSD?",
			Set:  []string{"--mode", "lattice", "--walkers", "2000"}, Seed: 2, Steps: 400,
			Do: "press space: the MSD is a straight line in t (slope 1 on log axes); compare the anomalous topic's crowded cell",
			Expect: func(o Outcome) error {
				t, m := o.Col("t"), o.Col("msd")
				n := len(t) - 1
				s := slope(t, m, n/2, n)
				return expectf(math.Abs(s-1) < 0.1, "log-log slope of the MSD %.3f, want 1", s)
			}},
		{ID: "inertia", From: "Langevin 1908, beyond the post",
			Text: "When does a particle's inertia matter, and for how long?",
			Set:  []string{"--mode", "langevin", "--mass", "20", "--walkers", "2000"}, Seed: 3, Steps: 1000,
			Do: "press space: the MSD starts as t² (ballistic) and turns into 2dDt after τ = m/γ, where the dotted line is",
			Expect: func(o Outcome) error {
				t, m := o.Col("t"), o.Col("msd")
				n := len(t) - 1
				early, late := slope(t, m, 1, 2), slope(t, m, n-5, n)
				return expectf(early > 1.5 && late < 1.25, "MSD slopes: %.2f early (want about 2), %.2f late (want about 1)", early, late)
			}},
	}
	Anomalous.Questions = []Question{
		{ID: "correlated-steps", From: postAnomalous + "; Einstein's independence broken",
			Text: "Break independence: what do anti-correlated steps (fractional Brownian motion, H < ½) do to α?",
			Set:  []string{"--model", "fbm", "--hurst", "0.3"}, Seed: 1,
			Do: "press space: the fitted α settles near 2H = 0.6, below 1: subdiffusion from memory alone",
			Expect: func(o Outcome) error {
				a := o.Meta("alpha_fit")
				return expectf(a < 0.8, "α = %.3f with correlated steps, want below 1 (2H = 0.6)", a)
			}},
		{ID: "long-waits", From: postAnomalous + "; stationarity broken",
			Text: "Break stationarity: heavy-tailed waits (a CTRW). Is one track's time average the ensemble's?",
			Set:  []string{"--model", "ctrw", "--wait", "power", "--alpha", "0.5"}, Seed: 1,
			Do: "press space: α falls to about 0.5, and the time-averaged MSDs of single tracks scatter widely (the ergodicity-breaking parameter EB is far from 0)",
			Expect: func(o Outcome) error {
				a, eb := o.Meta("alpha_fit"), o.Meta("eb")
				return expectf(a < 0.7 && eb > 0.3, "α = %.3f (want about 0.5), EB = %.3f (want well above 0)", a, eb)
			}},
		{ID: "long-jumps", From: postAnomalous + "; the finite step broken",
			Text: "Break the finite step: what do Lévy walks (heavy-tailed flights at finite speed) do?",
			Set:  []string{"--model", "levywalk"}, Seed: 1,
			Do: "press space: α settles above 1: superdiffusion",
			Expect: func(o Outcome) error {
				a := o.Meta("alpha_fit")
				return expectf(a > 1.2, "α = %.3f for the Lévy walk, want above 1", a)
			}},
		{ID: "crowding", From: postAnomalous + " (subdiffusion in biology)",
			Text: "What makes diffusion in a crowded cell subdiffusive?",
			Set:  []string{"--model", "crowded", "--density", "0.4"}, Seed: 1,
			Do: "press space: among fixed obstacles the walkers' α falls below 1",
			Expect: func(o Outcome) error {
				a := o.Meta("alpha_fit")
				return expectf(a < 0.9, "α = %.3f among obstacles, want below 1", a)
			}},
		{ID: "directed", From: postAnomalous + "; zero mean broken",
			Text: "Break the zero mean: what does directed (motor-driven) motion give?",
			Set:  []string{"--model", "ballistic"}, Seed: 1,
			Do: "press space: α = 2, the MSD grows as t²",
			Expect: func(o Outcome) error {
				a := o.Meta("alpha_fit")
				return expectf(math.Abs(a-2) < 0.05, "α = %.3f for directed motion, want 2", a)
			}},
	}
	Reynolds.Questions = []Question{
		{ID: "scallop", From: "Purcell 1977; " + postReynolds,
			Text: "Why can't a scallop swim in syrup, however fast it flaps?",
			Set:  []string{"--model", "scallop", "--fluid", "syrup"}, Seed: 1,
			Do: "press space: after each open-and-shut cycle the scallop is back where it was (reciprocal motion); set fluid to water to see it coast forward",
			Expect: func(o Outcome) error {
				x := o.Last("x")
				return expectf(math.Abs(x) < 1e-6, "the scallop moved %.3g plate lengths in syrup, want 0", x)
			}},
		{ID: "other-strategies", From: postReynolds + " (advanced)",
			Text: "What other strategies does biology use to move at low Reynolds number?",
			Set:  []string{"--model", "swimmer"}, Seed: 1,
			Do: "press space: three spheres that move their arms out of phase (a loop in shape space, not a back-and-forth) swim, at the speed the formula gives",
			Expect: func(o Outcome) error {
				v, f := o.Meta("speed"), o.Meta("speed_formula")
				return expectf(v > 0 && math.Abs(v-f) < 0.2*f, "swimmer speed %.3g against the formula's %.3g", v, f)
			}},
		{ID: "chemotaxis", From: postReynolds + " (E. coli chemotaxis)",
			Text: "How does E. coli climb a gradient by running and tumbling?",
			Set:  []string{"--model", "ecoli", "--gradient", "0.05"}, Seed: 1,
			Do: "press space: runs up the gradient last longer, so the cells' mean x drifts up it",
			Expect: func(o Outcome) error {
				x := o.Last("mean_x")
				return expectf(x > 10, "mean x %.3g in a gradient, want a drift up it", x)
			}},
	}
	Perceptron.Questions = []Question{
		{ID: "converges", From: "Rosenblatt 1958; Novikoff 1962",
			Text: "Why does the rule stop making mistakes on separable data, and after how many?",
			Set:  []string{"--data", "separable"}, Seed: 1,
			Do: "press space: the mistakes stop under Novikoff's bound (R/γ)² and the accuracy reaches 1",
			Expect: func(o Outcome) error {
				m, b, a := o.Last("mistakes"), o.Last("bound"), o.Last("accuracy")
				return expectf(m <= b && a == 1, "%g mistakes against the bound %.4g, accuracy %g", m, b, a)
			}},
		{ID: "xor", From: "Minsky and Papert 1969",
			Text: "Why does the perceptron never settle on XOR?",
			Set:  []string{"--data", "xor"}, Seed: 1,
			Do: "press space: the line keeps moving and the mistakes keep growing; no line separates XOR",
			Expect: func(o Outcome) error {
				m := o.Col("mistakes")
				n := len(m) - 1
				return expectf(m[n] > 2*m[n/2]*0.9 && o.Last("accuracy") < 1, "mistakes %g at the half, %g at the end: they should keep growing", m[n/2], m[n])
			}},
		{ID: "capacity", From: "Cover 1965",
			Text: "How many random labellings can one unit learn? (capacity 2N)",
			Set:  []string{"--experiment", "cover"}, Seed: 1,
			Do: "press space: the share of separable labellings falls through ½ at P = 2N, as Cover's count says",
			Expect: func(o Outcome) error {
				lo, mid, hi := at(o, "load", "separable", 1), at(o, "load", "separable", 2), at(o, "load", "separable", 3)
				return expectf(lo > 0.9 && math.Abs(mid-0.5) < 0.15 && hi < 0.1, "separable share %.2f at P/N 1, %.2f at 2, %.2f at 3", lo, mid, hi)
			}},
	}
	Hopfield.Questions = []Question{
		{ID: "associative", From: postEnergy + " (fundamental)",
			Text: "Why is content-addressable memory associative and fault tolerant?",
			Set:  []string{"--flip", "0.1"}, Seed: 1, Steps: 3000,
			Do: "press space: from a cue with 10% of its pixels wrong the net falls into the stored letter; the overlap climbs from 0.8 to 1",
			Expect: func(o Outcome) error {
				f, l := o.First("overlap"), o.Last("overlap")
				return expectf(f < 0.85 && l > 0.99, "overlap %.3f at the cue, %.3f at the end", f, l)
			}},
		{ID: "hebbian", From: postEnergy + " (fundamental)",
			Text: "Why is the storage prescription Hebbian, and does it store random patterns?",
			Set:  []string{"--kind", "random", "--n", "400", "--patterns", "10", "--rule", "hebb", "--flip", "0.2"}, Seed: 2, Steps: 4000,
			Do: "press space: J = Σ ξξᵀ/N strengthens the links between units active together; the cue is recalled (overlap 1)",
			Expect: func(o Outcome) error {
				l := o.Last("overlap")
				return expectf(l > 0.95, "overlap %.3f with 10 random patterns in 400 units", l)
			}},
		{ID: "minima", From: postEnergy + " (fundamental)",
			Text: "Show that the memories are minima: why does the energy never rise?",
			Set:  []string{"--flip", "0.25"}, Seed: 3, Steps: 3000,
			Do: "press space: each flip lowers E (or leaves it) at temperature 0, until a memory, a minimum, is reached",
			Expect: func(o Outcome) error {
				e := o.Col("energy")
				for i := 1; i < len(e); i++ {
					if e[i] > e[i-1]+1e-9 {
						return expectf(false, "the energy rose from %.4g to %.4g", e[i-1], e[i])
					}
				}
				return expectf(e[len(e)-1] < e[0], "the energy did not fall")
			}},
		{ID: "insensitive", From: postEnergy + " (fundamental: what Hopfield relaxes)",
			Text: "Hopfield says the collective properties are insensitive to details: does recall survive noisy, stochastic units?",
			Set:  []string{"--kind", "random", "--n", "400", "--patterns", "5", "--flip", "0.1", "--temp", "0.2"}, Seed: 1, Steps: 4000,
			Do: "press space: at temperature 0.2 the units flip at random now and then, and the memory is still recalled (overlap near 1)",
			Expect: func(o Outcome) error {
				l := meanFrom(o.Col("overlap"), len(o.Rows)*3/4)
				return expectf(l > 0.8, "mean overlap %.3f at temperature 0.2", l)
			}},
		{ID: "noise", From: postEnergy + " (advanced)",
			Text: "How large is the crosstalk noise, √(p/N), and what does it imply for the stability of memories?",
			Set:  []string{"--capacity", "true", "--n", "300", "--trials", "8"}, Seed: 1,
			Do: "press space: recall holds below p/N ≈ 0.14 and collapses above it, as the noise grows past the signal",
			Expect: func(o Outcome) error {
				lo, hi := at(o, "load", "recalled", 0.08), at(o, "load", "recalled", 0.25)
				return expectf(lo > 0.8 && hi < 0.2, "recalled %.2f at p/N 0.08, %.2f at 0.25", lo, hi)
			}},
		{ID: "biased", From: postEnergy + " (advanced)",
			Text: "What happens to the capacity if the memories are biased (more +1 than −1) or correlated?",
			Set:  []string{"--capacity", "true", "--kind", "biased", "--bias", "0.5", "--n", "300", "--trials", "8"}, Seed: 1,
			Do: "press space: biased memories overlap each other, and recall fails at a lower load than 0.14",
			Expect: func(o Outcome) error {
				r := at(o, "load", "recalled", 0.08)
				return expectf(r < 0.5, "biased memories recalled %.2f at p/N 0.08 (random ones: about 1)", r)
			}},
	}
	Boltzmann.Questions = []Question{
		{ID: "max-likelihood", From: postTraining + " (fundamental)",
			Text: "What is maximum likelihood? The rule lowers G, the divergence of the net's distribution from the data's",
			Set:  nil, Seed: 1,
			Do: "press space: G (KL, in nats) falls as the encoder's weights follow the gradient of the log-likelihood",
			Expect: func(o Outcome) error {
				f, l := o.First("kl"), o.Last("kl")
				return expectf(l < f/3, "G %.3f at the start, %.3f at the end", f, l)
			}},
		{ID: "wake-sleep", From: postTraining + " (fundamental)",
			Text: "Why can the learning terms be read as waking and sleeping?",
			Set:  nil, Seed: 2,
			Do: "press space: each cycle clamps the data (awake) and lets the net run free (asleep); ΔW ∝ ⟨sᵢsⱼ⟩awake − ⟨sᵢsⱼ⟩asleep, and the free net comes to reproduce the data (p right rises)",
			Expect: func(o Outcome) error {
				f, l := o.First("p_right"), o.Last("p_right")
				return expectf(l > 0.3 && l > 2*f, "P(right output) %.3f at the start, %.3f at the end", f, l)
			}},
		{ID: "hidden-units", From: postTraining + " (fundamental)",
			Text: "Why are the hidden units so important?",
			Set:  []string{"--size", "4-2-4"}, Seed: 1,
			Do: "press space: four patterns pass through two hidden units only if the net invents a 2-bit code for them; watch solved turn 1",
			Expect: func(o Outcome) error {
				return expectf(o.Last("solved") == 1, "the 4-2-4 encoder did not find a code")
			}},
		{ID: "rbm-easier", From: postTraining + " (fundamental)",
			Text: "Why are restricted Boltzmann machines much easier to train?",
			Set:  []string{"--part", "rbm"}, Seed: 1, Steps: 60,
			Do: "press space: with no links inside a layer the hidden units are sampled all at once, and CD-1 learns digits in a few dozen batches (the reconstruction error falls)",
			Expect: func(o Outcome) error {
				f, l := o.First("recon_error"), o.Last("recon_error")
				return expectf(l < 0.75*f, "reconstruction error %.3g at the start, %.3g after 60 batches", f, l)
			}},
		{ID: "implement", From: postTraining + " (advanced: Hinton's guide to RBMs)",
			Text: "Follow Hinton's guide: does persistent contrastive divergence learn as CD does?",
			Set:  []string{"--part", "rbm", "--pcd", "true"}, Seed: 1, Steps: 60,
			Do: "press space: the persistent chains keep sampling between updates; the reconstruction error falls too",
			Expect: func(o Outcome) error {
				f, l := o.First("recon_error"), o.Last("recon_error")
				return expectf(l < 0.8*f, "reconstruction error %.3g at the start, %.3g after 60 batches", f, l)
			}},
		{ID: "unsupervised", From: postDeep + " (advanced: unsupervised learning)",
			Text: "What does a net learn from digits without their labels?",
			Set:  []string{"--part", "rbm", "--hidden", "50"}, Seed: 2, Steps: 60,
			Do: "press space: no labels, yet the hidden units become stroke detectors (Filters tab) and the reconstructions sharpen",
			Expect: func(o Outcome) error {
				f, l := o.First("recon_error"), o.Last("recon_error")
				return expectf(l < 0.75*f, "reconstruction error %.3g at the start, %.3g after 60 batches", f, l)
			}},
	}
	Backprop.Questions = []Question{
		{ID: "cheaper", From: postTraining + " (fundamental)",
			Text: "Why is backpropagation more efficient than finite differences?",
			Set:  nil, Seed: 1, Steps: 20,
			Do: "open the Gradient check tab: backprop gets all P gradients from one forward and one backward pass; finite differences need 2P forward passes, and the two agree",
			Expect: func(o Outcome) error {
				bp, fd := o.Meta("passes_backprop"), o.Meta("passes_finite_differences")
				return expectf(fd > 100*bp && o.Meta("gradcheck_rel_error") < 1e-6, "%g passes against %g; relative error %.2g", bp, fd, o.Meta("gradcheck_rel_error"))
			}},
		{ID: "four-equations", From: postTraining + " (fundamental)",
			Text: "Derive the four equations of backpropagation: do they give the true gradient?",
			Set:  []string{"--activation", "tanh", "--output", "softmax"}, Seed: 2, Steps: 20,
			Do: "open the Gradient check tab: δᴸ = ∇ₐC ⊙ σ′(zᴸ), δˡ = (Wˡ⁺¹ᵀδˡ⁺¹) ⊙ σ′(zˡ), ∂C/∂b = δ, ∂C/∂w = aδᵀ agree with finite differences to 1e-6 and better",
			Expect: func(o Outcome) error {
				e := o.Meta("gradcheck_rel_error")
				return expectf(e < 1e-6, "relative error %.2g between backprop and finite differences", e)
			}},
		{ID: "nielsen", From: postTraining + " (advanced: Nielsen's network.py)",
			Text: "Train Nielsen's network (784-30-10, sigmoid, quadratic cost, η 3, batches of 10): how good does it get?",
			Set:  nil, Seed: 2, Steps: 5000,
			Do: "press space: after one epoch (5000 mini-batches of 10) the test accuracy passes 90% (Nielsen: 91%), from 10% by chance",
			Expect: func(o Outcome) error {
				f, a := o.First("test_accuracy"), o.Last("test_accuracy")
				return expectf(f < 0.2 && a > 0.88, "test accuracy %.3f at the start, %.3f after an epoch", f, a)
			}},
	}
	Deep.Questions = []Question{
		{ID: "pretraining", From: postDeep + " (fundamental)",
			Text: "Why was pretraining needed, and why is it no longer used?",
			Set:  []string{"--layers", "100,100,100,100", "--pretrain", "100"}, Seed: 1, Steps: 1100,
			Do: "press space: four sigmoid layers from small random weights hardly learn in a thousand updates; after RBM pretraining they do at once (today ReLUs, scaled starts and long training do without it)",
			Expect: func(o Outcome) error {
				s, p := o.Last("small"), o.Last("pretrain")
				return expectf(p > s+0.3, "test accuracy after 1000 updates: small start %.3f, pretrained %.3f", s, p)
			}},
		{ID: "layers", From: postDeep + " (fundamental)",
			Text: "When do extra layers help a network, and when do they hurt?",
			Set:  []string{"--experiment", "sweep", "--init", "small", "--budget", "600"}, Seed: 1,
			Do: "press space: trained by plain backprop from a small start, each extra sigmoid layer lowers the accuracy the budget buys (the gradient fades layer by layer)",
			Expect: func(o Outcome) error {
				a := o.Col("test_accuracy")
				return expectf(len(a) > 2 && a[len(a)-1] < a[0]-0.1, "accuracy by depth %.3f: the deepest should fall below the shallowest", a)
			}},
	}
	Information.Questions = []Question{
		{ID: "plugin-bias", From: "Miller 1955; Paninski 2003",
			Text: "Why does the plug-in entropy come out too low, and by how much?",
			Set:  []string{"--experiment", "entropy", "--dist", "uniform", "--symbols", "64", "--batch", "16"}, Seed: 1, Steps: 20,
			Do: "press n a few times: with few samples the plug-in estimate sits below the true 6 bits by about (K − 1)/(2N ln 2); Miller–Madow adds that back",
			Expect: func(o Outcome) error {
				n := 2 // 32 samples of 64 symbols
				p, mm, tr := o.Col("plugin")[n], o.Col("miller_madow")[n], o.Col("true")[n]
				return expectf(p < tr && math.Abs(mm-tr) < math.Abs(p-tr), "at %g samples plug-in %.3f, Miller–Madow %.3f, true %.3f", o.Col("samples")[n], p, mm, tr)
			}},
		{ID: "capacity", From: "Shannon 1948; Blahut 1972, Arimoto 1972",
			Text: "How does Blahut–Arimoto find a channel's capacity, and how do we know it has?",
			Set:  []string{"--experiment", "channel", "--channel", "bsc", "--crossover", "0.1"}, Seed: 1,
			Do: "press space: the lower and upper bounds close on 1 − H(0.1) = 0.531 bits",
			Expect: func(o Outcome) error {
				lo, hi, c := o.Last("lower"), o.Last("upper"), o.Last("capacity_theory")
				return expectf(hi-lo < 1e-6 && math.Abs(lo-c) < 1e-6, "bounds [%.6f, %.6f] against 1 − H(0.1) = %.6f", lo, hi, c)
			}},
		{ID: "equalise", From: "Laughlin 1981",
			Text: "Why does equalising the response histogram maximise the information a neuron sends?",
			Set:  []string{"--experiment", "laughlin"}, Seed: 1,
			Do: "press space: the thresholds move until every response level is used equally: the output entropy climbs to log₂(levels)",
			Expect: func(o Outcome) error {
				f, l := o.First("output_entropy"), o.Last("output_entropy")
				return expectf(l > f+0.5, "output entropy %.3f bits at the start, %.3f at the end", f, l)
			}},
	}
	Control.Questions = []Question{
		{ID: "duality", From: "Kalman 1960",
			Text: "Why is the same Riccati equation both an estimator and a controller?",
			Set:  []string{"--experiment", "kalman"}, Seed: 1, Steps: 200,
			Do: "press space: the filter's tr P settles on the DARE's solution, the equation the LQR solves with A → Aᵀ, B → Hᵀ",
			Expect: func(o Outcome) error {
				p, x := o.Last("trace_p"), o.Last("trace_p_dare")
				return expectf(math.Abs(p-x) < 1e-3*x, "tr P %.6g against the DARE's %.6g", p, x)
			}},
		{ID: "overconfident", From: "Bar-Shalom, Li and Kirubarajan 2001 (filter consistency)",
			Text: "Why can a filter be overconfident, and how does the NIS show it?",
			Set:  []string{"--experiment", "kalman", "--qscale", "0.01"}, Seed: 1, Steps: 300,
			Do: "press space: told the target barely accelerates, the filter trusts its prediction; the mean NIS climbs out of its χ² band",
			Expect: func(o Outcome) error {
				m, hi := o.Last("nis_mean"), o.Meta("nis_band_hi")
				return expectf(m > hi, "mean NIS %.3f against the band's top %.3f", m, hi)
			}},
		{ID: "forward-model", From: "Wolpert, Ghahramani and Jordan 1995",
			Text: "What does the cerebellum have to do with forward models?",
			Set:  []string{"--experiment", "sensorimotor"}, Seed: 1,
			Do: "press space: a forward model that overestimates the force makes the estimate run ahead of the hand; the bias peaks at about a second, then feedback catches up",
			Expect: func(o Outcome) error {
				t, b := o.Meta("peak_bias_time"), o.Meta("peak_bias")
				return expectf(t > 0.5 && t < 2.5 && b > 0, "the bias peaks at %.2f s (%.3g m), want inside the movement times", t, b)
			}},
	}
	ICA.Questions = []Question{
		{ID: "gaussians", From: "Bell and Sejnowski 1995; Comon 1994",
			Text: "Why can Gaussian sources not be unmixed?",
			Set:  []string{"--kind", "gauss", "--sources", "5"}, Seed: 1, Steps: 3000,
			Do: "press space: the outputs become white, but the Amari index stays high: every rotation of whitened Gaussians looks the same",
			Expect: func(o Outcome) error {
				a := o.Last("amari")
				return expectf(a > 0.25, "Amari index %.3f for five Gaussians", a)
			}},
		{ID: "equivariance", From: "Amari, Cichocki and Yang 1996",
			Text: "Why does the natural gradient not care about the mixing matrix A?",
			Set:  []string{"--compare", "true", "--condition", "1000"}, Seed: 1, Steps: 3000,
			Do: "press space: at condition 1000 the natural gradient separates as fast as at 1, the plain gradient beside it stalls; change condition and compare",
			Expect: func(o Outcome) error {
				n, p := o.Last("amari"), o.Last("amari_infomax")
				return expectf(n < 0.05 && p > 0.2, "Amari index: natural %.3f, plain %.3f", n, p)
			}},
		{ID: "sub-gaussian", From: "Lee, Girolami and Sejnowski 1999",
			Text: "Why do sub- and super-Gaussian sources need different nonlinearities?",
			Set:  []string{"--kind", "uniform", "--sources", "4"}, Seed: 1, Steps: 3000,
			Do: "press space: the logistic's score suits peaked sources; on flat (uniform) ones it drifts away; then set algorithm to extended",
			Expect: func(o Outcome) error {
				a := o.Last("amari")
				return expectf(a > 0.3, "Amari index %.3f for logistic infomax on uniform sources", a)
			}},
		{ID: "blind", From: "Hyvärinen 1999",
			Text: "Why is ICA blind, and how does FastICA find the sources without knowing A?",
			Set:  []string{"--algorithm", "fastica", "--sources", "5"}, Seed: 1,
			Do: "press n: each fixed-point iteration makes the whitened outputs less Gaussian; C = WA becomes a permutation in a handful of steps",
			Expect: func(o Outcome) error {
				a := o.Last("amari")
				return expectf(a < 0.05, "Amari index %.3f after FastICA", a)
			}},
	}
	RNN.Questions = []Question{
		{ID: "structure", From: "Elman 1990",
			Text: "What structure does the hidden state find, trained only to predict the next letter?",
			Set:  []string{"--task", "letters"}, Seed: 1, Steps: 2000,
			Do: "press space: the error stays high where a consonant comes (it cannot be known) and falls to nothing across the vowels that follow: the hidden state knows which word it is in",
			Expect: func(o Outcome) error {
				c, v := o.Last("err_consonant"), o.Last("err_vowel")
				return expectf(c > 20*v, "error before a consonant %.4f, before a vowel %.5f", c, v)
			}},
		{ID: "bptt-rtrl", From: "Williams and Zipser 1989",
			Text: "Why is backpropagation through time cheaper than real-time recurrent learning?",
			Set:  []string{"--task", "reber"}, Seed: 1, Steps: 50,
			Do: "open the BPTT against RTRL tab: the same gradient, but RTRL carries ∂h/∂θ for every weight forward, H·P a step against BPTT's P",
			Expect: func(o Outcome) error {
				b, r, g := o.Meta("ops_bptt"), o.Meta("ops_rtrl"), o.Meta("bptt_rtrl_gap")
				return expectf(r > 50*b && g < 1e-8, "%g multiply-adds for BPTT, %g for RTRL, gradients %.1e apart", b, r, g)
			}},
		{ID: "vanishing", From: "Hochreiter 1991; Bengio, Simard and Frasconi 1994",
			Text: "Why does the gradient vanish across a hundred steps in a simple recurrent net?",
			Set:  []string{"--task", "adding", "--model", "srn"}, Seed: 1, Steps: 500,
			Do: "look at the lag chart: ‖∂L/∂h_{T−k}‖ falls exponentially with k at the rate the recurrent Jacobian's spectral radius predicts; set model to lstm and it stays flat",
			Expect: func(o Outcome) error {
				s, r := o.Meta("gradient_slope"), o.Meta("log_radius")
				return expectf(s < -0.2 && math.Abs(s-r) < 0.15*math.Abs(r), "slope %.3f a step against log ρ(J) %.3f", s, r)
			}},
		{ID: "lstm-memory", From: "Hochreiter and Schmidhuber 1997",
			Text: "What do the LSTM's gates change? Does the gradient survive a hundred steps?",
			Set:  []string{"--task", "adding"}, Seed: 1, Steps: 500,
			Do: "look at the lag chart: through the cell, whose forget gate starts near 1, the gradient hardly falls with the lag (compare model srn)",
			Expect: func(o Outcome) error {
				s := o.Meta("gradient_slope")
				return expectf(math.Abs(s) < 0.05, "the LSTM's gradient slope %.3f a step, want near 0", s)
			}},
	}
	CNN.Questions = []Question{
		{ID: "sharing", From: "LeCun, Bottou, Bengio and Haffner 1998",
			Text: "Why does sharing weights help?",
			Seed: 1, Steps: 300,
			Do: "press space: after 300 batches the CNN, with a quarter of the MLP's weights (Theory tab), is ahead of the MLP trained beside it on the same digits",
			Expect: func(o Outcome) error {
				c, m := o.Last("test_accuracy"), o.Last("mlp_test_accuracy")
				w, mw := o.Meta("weights"), o.Meta("mlp_weights")
				return expectf(c > m && 3*w < mw, "test accuracy CNN %.3f with %g weights, MLP %.3f with %g", c, w, m, mw)
			}},
		{ID: "translation", From: "Fukushima 1980; LeCun et al. 1998",
			Text: "Why does a convolutional net still know a digit moved by two pixels, when an MLP does not?",
			Set:  []string{"--moved", "true"}, Seed: 1, Steps: 600,
			Do: "train, then v to the shift chart, or move a digit with H/J/K/L: its maps move with it and the CNN's answer stays; moved 2 px the CNN keeps most of its accuracy, the MLP loses far more",
			Expect: func(o Outcome) error {
				c0, c2 := o.Last("test_accuracy"), o.Last("shift2_accuracy")
				m0, m2 := o.Last("mlp_test_accuracy"), o.Last("mlp_shift2_accuracy")
				return expectf(c0-c2 < 0.5*(m0-m2), "moved 2 px: CNN %.3f → %.3f, MLP %.3f → %.3f", c0, c2, m0, m2)
			}},
		{ID: "filters", From: "the seminar; Bell and Sejnowski 1997",
			Text: "What do the first-layer filters look like, and why are they like ICA's edge filters?",
			Seed: 2, Steps: 600,
			Do: "watch the C1 filters: from noise they become smooth strokes and oriented edges (neighbouring weights correlate), the localised edges ICA finds in natural images",
			Expect: func(o Outcome) error {
				f, l := o.First("filter_smoothness"), o.Last("filter_smoothness")
				return expectf(l > f+0.15, "neighbouring C1 weights correlate %.2f at the start, %.2f after 600 batches", f, l)
			}},
		{ID: "gradient", From: "LeCun et al. 1998",
			Text: "Does backpropagation through convolution, pooling and the partial table give the true gradient?",
			Set:  []string{"--pool", "max", "--activation", "tanh"}, Seed: 3, Steps: 1,
			Do: "open the Gradient check tab: every layer, C1 to the output, agrees with finite differences to 1e-6 and better",
			Expect: func(o Outcome) error {
				e := o.Meta("gradcheck_rel_error")
				return expectf(e < 1e-6, "largest relative error of a layer %.2g", e)
			}},
	}
	RL.Questions = []Question{
		{ID: "safe-path", From: "Sutton and Barto 2018, Example 6.6",
			Text: "Why does SARSA take the safe path along the cliff?",
			Set:  []string{"--env", "cliff", "--runs", "10"}, Seed: 1,
			Do: "press space: SARSA's values count the falls its exploration causes and its path keeps off the edge; Q-learning's path runs along the edge and falls more (lower returns)",
			Expect: func(o Outcome) error {
				s, q := meanFrom(o.Col("return"), 100), meanFrom(o.Col("return_vs"), 100)
				return expectf(s > q+10, "mean return after episode 100: SARSA %.1f, Q-learning %.1f", s, q)
			}},
		{ID: "dopamine", From: "Schultz, Dayan and Montague 1997",
			Text: "Why does the dopamine response move from the reward to the cue?",
			Set:  []string{"--env", "conditioning", "--omit", "0"}, Seed: 1,
			Do: "press space: the raster's burst starts at the reward and moves to the cue as V learns to predict the reward",
			Expect: func(o Outcome) error {
				c0, c1 := o.First("delta_cue"), o.Last("delta_cue")
				r0, r1 := o.First("delta_reward"), o.Last("delta_reward")
				return expectf(c0 < 0.05 && c1 > 0.8 && r0 > 0.95 && r1 < 0.2, "δ at the cue %.2f → %.2f, at the reward %.2f → %.2f", c0, c1, r0, r1)
			}},
		{ID: "td-vs-mc", From: "Sutton and Barto 2018, Example 6.2",
			Text: "Why does TD beat Monte Carlo on the random walk?",
			Set:  []string{"--env", "randomwalk", "--runs", "50"}, Seed: 1,
			Do: "press space: TD(0) learns from each step's prediction, Monte Carlo waits for noisy returns; TD's RMS error falls faster and lower",
			Expect: func(o Outcome) error {
				t, m := o.Last("rms"), o.Last("rms_vs")
				return expectf(t < m, "RMS error after 100 episodes: TD %.3f, MC %.3f", t, m)
			}},
	}
}
