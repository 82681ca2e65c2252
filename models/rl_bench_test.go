package models

import "testing"

// Speed of one move of each learner (go test -bench RL ./models).
func BenchmarkRLSarsaCliff(b *testing.B) {
	l, _ := NewLearner(Cliff(), LearnerParams{Agent: AgentSarsa, Alpha: 0.5, Gamma: 1, Epsilon: 0.1}, 1)
	for b.Loop() {
		l.Step()
	}
}

func BenchmarkRLTDLambdaWalk(b *testing.B) {
	l, _ := NewLearner(RandomWalk{}, LearnerParams{Agent: AgentTD, Alpha: 0.1, Gamma: 1, Lambda: 0.8, Init: 0.5}, 1)
	for b.Loop() {
		l.Step()
	}
}

func BenchmarkRLPoleCart(b *testing.B) {
	c := NewPoleCart(500, 1)
	for b.Loop() {
		c.Step()
	}
}

// The book's Figure 6.2 (right) for one method and α: 100 runs of 100
// episodes.
func BenchmarkRLWalkFigure(b *testing.B) {
	for b.Loop() {
		WalkCurve(AgentTD, 0.1, 100, 100, 1)
	}
}

func BenchmarkRLValueIterationWindy(b *testing.B) {
	for b.Loop() {
		d, _ := NewDP(Windy(), DPValue, 1)
		for !d.Converged() {
			d.Sweep()
		}
	}
}
