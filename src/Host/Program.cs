using AlpacaFarm.Host.Cli;

return await CliApp.RunAsync(args, CliConsole.System());
