using AlpacaFarm.Host.Cli;

return await CliApp.RunProcessAsync(args);
