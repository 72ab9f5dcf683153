// Package bench measures wsgo against bare net/http and the stacks users
// would otherwise pick (alice, chi, gorilla, negroni, echo), side by side in
// one run. It is a module of its own so that nobody who imports wsgo
// downloads the peers; its go.mod replaces wsgo with the working tree, so
// the figures are always those of the code beside them.
package bench
