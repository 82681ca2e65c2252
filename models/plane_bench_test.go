package models

import "testing"

func BenchmarkPlaneEpoch(b *testing.B) {
	pl, _ := NewPlane(PlaneParams{Activation: Tanh, Bins: 30, Eta: 0.02, Batch: 256}, 1)
	for b.Loop() {
		pl.Step()
	}
}

func BenchmarkPlaneMeasure(b *testing.B) {
	pl, _ := NewPlane(PlaneParams{Activation: Tanh, Bins: 30, Eta: 0.02, Batch: 256}, 1)
	for b.Loop() {
		pl.measure()
	}
}
