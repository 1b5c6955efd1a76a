using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/BrandBot.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
