<#
.SYNOPSIS
  Example: register a scheduled task that sends a routekeeper heartbeat every minute as SYSTEM.
  Run once per node, elevated. Adjust the interval to your alarm threshold (routekeeper's HeartbeatAge).
  The task runs Send-RoutekeeperHeartbeat.ps1 from C:\Program Files\routekeeper\ (or ROUTEKEEPER_HOME);
  without -Vip it takes the VIP from the settings file ("vip").
.EXAMPLE
  .\Register-RoutekeeperHeartbeatTask.ps1 -Vip 10.1.0.10
#>
param(
    [string]$Vip,
    [int]$IntervalMinutes = 1,
    [string]$TaskName = 'routekeeper heartbeat'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$RoutekeeperHome = 'C:\Program Files\routekeeper'
if ($env:ROUTEKEEPER_HOME) { $RoutekeeperHome = $env:ROUTEKEEPER_HOME }
$script = Join-Path $RoutekeeperHome 'Send-RoutekeeperHeartbeat.ps1'
$arguments = '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}"' -f $script
if ($Vip) { $arguments = '{0} -Vip {1}' -f $arguments, $Vip }
$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument $arguments
$trigger = New-ScheduledTaskTrigger -Once -At (Get-Date).AddMinutes(1) `
    -RepetitionInterval (New-TimeSpan -Minutes $IntervalMinutes)
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew `
    -ExecutionTimeLimit (New-TimeSpan -Minutes 2) -StartWhenAvailable

Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger `
    -Principal $principal -Settings $settings -Force | Out-Null
Write-Output ('registered "{0}": {1} every {2} minute(s)' -f $TaskName, $script, $IntervalMinutes)
