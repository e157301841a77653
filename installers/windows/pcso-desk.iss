; PCSO Desk -- Inno Setup 6 script (needs Inno Setup 6.3 or later).
;
; Wraps the PyInstaller one-folder build in dist\pcso-desk\ (made by `python installers\build.py`
; from installers\pyinstaller\pcso_desk.spec) into one setup .exe that installs PER USER,
; WITHOUT ADMIN RIGHTS, into %LOCALAPPDATA%\Programs\PCSO Desk. See README.md beside this file.
;
; Compile from the repository root, passing the version from pyproject.toml:
;   iscc /DAppVersion=0.1.0 installers\windows\pcso-desk.iss
; The setup lands in dist\pcso-desk-<version>-setup.exe.

#ifndef AppVersion
  #error Pass the version on the command line: iscc /DAppVersion=0.1.0 installers\windows\pcso-desk.iss
#endif

#define AppName "PCSO Desk"
#define AppExe "pcso-desk.exe"
; The repository root: this script lives in installers\windows\.
#define RepoRoot AddBackslash(SourcePath) + "..\.."
#define BuildDir RepoRoot + "\dist\pcso-desk"
; The file type of sync bundles (`pcso-desk sync export --out FILE.pcsosync`).
#define BundleExt ".pcsosync"
#define BundleProgId "PCSODesk.SyncBundle"

#ifnexist BuildDir + "\" + AppExe
  #error dist\pcso-desk\pcso-desk.exe is missing: run `python installers\build.py` first.
#endif

[Setup]
; AppId identifies this application to Windows' "Installed apps" list and to later upgrades:
; never change it (the doubled brace is how Inno Setup writes a literal "{").
AppId={{26A49B72-7003-422E-AE95-4C5AD5A70D4C}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppName}
; Windows shows these in the setup .exe's Properties > Details. VersionInfoVersion takes
; up to four numbers only (0.1.0 is fine; a pre-release tag such as 0.2.0rc1 is not).
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} Setup

; --- Per user, no admin rights -------------------------------------------------------------
; "lowest" never asks for elevation and always runs in non administrative install mode, so
; the "auto" constants resolve to the current user's folders: {autopf} is {userpf}, that is
; %LOCALAPPDATA%\Programs; {autoprograms} is the user's Start menu; {autodesktop} the user's
; desktop; and the HKA registry root is HKCU. No PrivilegesRequiredOverridesAllowed: the
; station PCs must never offer an all-users (admin) install.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
; The app is a 64-bit Python build; PySide6 6.7+ needs Windows 10 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0

; --- Look and output -----------------------------------------------------------------------
SetupIconFile={#RepoRoot}\pcso_desk\resources\icons\pcso-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
OutputDir={#RepoRoot}\dist
OutputBaseFilename=pcso-desk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
; Tell Explorer to pick up the .pcsosync association (and drop it on uninstall).
ChangesAssociations=yes
; Code signing (not done here): define a tool in the IDE or with iscc /S and uncomment, e.g.
;   iscc "/Ssigntool=signtool.exe sign /fd sha256 /tr http://timestamp.example /td sha256 /a $f" ...
; SignTool=signtool

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "bundleassoc"; Description: "Open sync bundles ({#BundleExt} files) with {#AppName}"; GroupDescription: "File types:"

[InstallDelete]
; An upgrade replaces the bundled Python and Qt wholesale: libraries left over from an older
; build must not sit beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The whole one-folder build: pcso-desk.exe (the app, no console window), pcso-desk-cli.exe
; (the same program for the command line) and the _internal\ folder they share.
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Contacts, meetings, victim care and briefings for the neighbourhood team"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; File association for sync bundles, written under HKCU\Software\Classes (HKA with lowest
; privileges). Opening a bundle runs `"{app}\pcso-desk.exe" "<bundle>"`: the GUI program, not
; `sync import` on a console: after sign-in the app imports the bundle on its Sync screen.
Root: HKA; Subkey: "Software\Classes\{#BundleExt}"; ValueType: string; ValueName: ""; ValueData: "{#BundleProgId}"; Flags: uninsdeletevalue; Tasks: bundleassoc
Root: HKA; Subkey: "Software\Classes\{#BundleExt}\OpenWithProgids"; ValueType: string; ValueName: "{#BundleProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: bundleassoc
Root: HKA; Subkey: "Software\Classes\{#BundleProgId}"; ValueType: string; ValueName: ""; ValueData: "{#AppName} sync bundle"; Flags: uninsdeletekey; Tasks: bundleassoc
Root: HKA; Subkey: "Software\Classes\{#BundleProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: bundleassoc
Root: HKA; Subkey: "Software\Classes\{#BundleProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: bundleassoc
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; Flags: uninsdeletekey; Tasks: bundleassoc
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: "{#BundleExt}"; ValueData: ""; Tasks: bundleassoc

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
// Uninstalling removes the program but KEEPS the user's data -- the store, its backups, the
// sync keys and the logs -- unless the user answers Yes to "Also delete my PCSO Desk data?".
// The question defaults to No, and a silent uninstall (/SILENT, /VERYSILENT, as IT's tools
// run it) never asks and never deletes.
//
// The data folder is platformdirs' user_data_path("PCSO Desk", "PCSO Desk", roaming=False),
// i.e. %LOCALAPPDATA%\PCSO Desk\PCSO Desk; the whole %LOCALAPPDATA%\PCSO Desk is removed on
// Yes. (It is not under {app}, which is %LOCALAPPDATA%\Programs\PCSO Desk.) A store placed
// elsewhere with --data-dir or PCSO_DESK_DATA_DIR is never touched.
var
  DeleteUserData: Boolean;

function UserDataFolder(): String;
begin
  Result := ExpandConstant('{localappdata}\{#AppName}');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    // Ask before anything is removed; act only once the program's files are gone.
    DeleteUserData := False;
    if (not UninstallSilent) and DirExists(UserDataFolder()) then
      DeleteUserData := MsgBox(
        'Also delete my PCSO Desk data?' + #13#10#13#10 +
        'This PC''s PCSO Desk data is in:' + #13#10 + UserDataFolder() + #13#10#13#10 +
        'It holds the records, their backups, this station''s sync keys and the logs. ' +
        'Anything not yet synced to another station would be lost for good.' + #13#10#13#10 +
        'Choose No (recommended) to keep it: installing PCSO Desk again picks it up.',
        mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  end
  else if (CurUninstallStep = usPostUninstall) and DeleteUserData then
  begin
    if not DelTree(UserDataFolder(), True, True, True) then
      MsgBox('Some of the PCSO Desk data could not be deleted (is PCSO Desk still open?).' +
        #13#10 + 'Delete this folder by hand:' + #13#10 + UserDataFolder(), mbError, MB_OK);
  end;
end;
