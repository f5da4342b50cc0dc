// Command parley-store runs FerretDB (a MongoDB wire-protocol server) embedded,
// for Parley's development and tests. Production uses real MongoDB.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", "./data/store", "directory for SQLite files")
	pg := flag.String("postgresql-url", "", "use the PostgreSQL backend at this URL instead of SQLite")
	logLevel := flag.String("log-level", "warn", "FerretDB log level: debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *addr}, Logger: logger}
	if *pg != "" {
		cfg.Handler = "postgresql"
		cfg.PostgreSQLURL = *pg
	} else {
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			fmt.Fprintln(os.Stderr, "parley-store:", err)
			os.Exit(1)
		}
		cfg.Handler = "sqlite"
		cfg.SQLiteURL = "file:" + *dir + "/"
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-store:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Exit when the parent goes away (stdin closed), so a crashed Node
	// process never leaves an orphan store behind.
	go func() {
		buf := make([]byte, 1)
		for {
			if _, err := os.Stdin.Read(buf); err != nil {
				stop()
				return
			}
		}
	}()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	fmt.Println("parley-store listening", f.MongoDBURI())
	if err := <-done; err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "parley-store:", err)
		os.Exit(1)
	}
}
