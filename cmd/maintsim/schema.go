package main

import (
	"github.com/spf13/cobra"

	"github.com/maintsim/maintsim/scenarios"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the scenario format",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := scenarios.Schema()
			if err != nil {
				return failed(err)
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	})
}
