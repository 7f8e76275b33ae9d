; Included by electron-builder's NSIS installer (electron-builder.yml nsis.include).
; Registers the warroom:// invite scheme for the installing user at install time and removes it at
; uninstall. The app also calls setAsDefaultProtocolClient at start, which writes the same keys.
!macro customInstall
  WriteRegStr HKCU "Software\Classes\warroom" "" "URL:War Room invite"
  WriteRegStr HKCU "Software\Classes\warroom" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\warroom\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr HKCU "Software\Classes\warroom\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey HKCU "Software\Classes\warroom"
!macroend
