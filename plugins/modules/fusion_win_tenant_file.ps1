#!powershell
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

# The Windows side of fusion.pos.fusion_tenant (docs in fusion_win_tenant_file.py; the POSIX twin is fusion_tenant_file.py): put the passwords back
# into the tenant list and write tenants.json atomically, only when its content differs. Not tested
# against a real Windows host (docs/TESTING.md).

$spec = @{
    options = @{
        path = @{ type = "path"; required = $true }
        content = @{ type = "str"; required = $true; no_log = $true }
        secrets = @{ type = "dict"; default = @{}; no_log = $true }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$path = $module.Params.path
$module.Result.path = $path
$folder = [System.IO.Path]::GetDirectoryName($path)
if (-not [System.IO.Directory]::Exists($folder)) {
    $module.FailJson("the tenants folder $folder does not exist on this host (MonitorTenantsFolder)")
}

$text = $module.Params.content
foreach ($secretToken in $module.Params.secrets.Keys) {
    $text = $text.Replace([string]$secretToken, [string]$module.Params.secrets[$secretToken])
}
$encoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
$data = $encoding.GetBytes($text)

$current = $null
if ([System.IO.File]::Exists($path)) {
    $current = [System.IO.File]::ReadAllBytes($path)
}
$same = ($null -ne $current) -and ($current.Length -eq $data.Length)
if ($same) {
    for ($i = 0; $i -lt $data.Length; $i++) {
        if ($current[$i] -ne $data[$i]) { $same = $false; break }
    }
}
$module.Result.changed = -not $same

if (-not $same -and -not $module.CheckMode) {
    $temp = [System.IO.Path]::Combine($folder, ".tenants." + [System.Guid]::NewGuid().ToString("N") + ".tmp")
    try {
        [System.IO.File]::WriteAllBytes($temp, $data)
        if ($null -ne $current) {
            [System.IO.File]::Replace($temp, $path, $null)
        }
        else {
            [System.IO.File]::Move($temp, $path)
        }
    }
    catch {
        if ([System.IO.File]::Exists($temp)) { [System.IO.File]::Delete($temp) }
        $module.FailJson("cannot write ${path}: $($_.Exception.Message)", $_)
    }
}

$module.ExitJson()
