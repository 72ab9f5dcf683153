package mw

//go:generate go run ./internal/combogen
