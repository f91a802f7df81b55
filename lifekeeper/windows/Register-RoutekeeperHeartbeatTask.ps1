<#
.SYNOPSIS
  Example: register a scheduled task that sends a routekeeper heartbeat every minute as SYSTEM.
  Run once per node, elevated. Adjust the interval to your alarm threshold (routekeeper's HeartbeatAge).
.EXAMPLE
  .\Register-RoutekeeperHeartbeatTask.ps1 -Vip 10.1.0.10
#>
param(
    [Parameter(Mandatory = $true)][string]$Vip,
    [int]$IntervalMinutes = 1,
    [string]$TaskName = 'routekeeper heartbeat'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$script = Join-Path $PSScriptRoot 'Send-RoutekeeperHeartbeat.ps1'
$action = New-ScheduledTaskAction -Execute 'powershell.exe' `
    -Argument ('-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -Vip {1}' -f $script, $Vip)
$trigger = New-ScheduledTaskTrigger -Once -At (Get-Date).AddMinutes(1) `
    -RepetitionInterval (New-TimeSpan -Minutes $IntervalMinutes)
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew `
    -ExecutionTimeLimit (New-TimeSpan -Minutes 2) -StartWhenAvailable

Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger `
    -Principal $principal -Settings $settings -Force | Out-Null
Write-Output ('registered "{0}": heartbeat every {1} minute(s) for {2}' -f $TaskName, $IntervalMinutes, $Vip)
