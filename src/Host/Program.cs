// `dotnet run --project src/Host` runs the demo; `dotnet run --project src/Host -- --help` lists the commands.
return await ActorChannel.Host.Cli.CliApp.RunAsync(args);
