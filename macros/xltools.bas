Attribute VB_Name = "xltools"
' xltools buttons. Each Sub runs one Python function through xlwings
' (module xltools.excel.buttons). Every button has a terminal twin:
'   Recalculate        -> xltools recalc MASTER
'   CheckBook          -> xltools check MASTER
'   Consolidate        -> xltools consolidate FOLDER --master MASTER
'   AddProject         -> xltools add-project MASTER
'   EvaluateDepartment -> xltools evaluate MASTER
' Keep this file ASCII: the VBA project codepage is 1252.
' Every text the clerk reads is in the sheets, not here.
Option Explicit

Public Sub Recalculate()
    RunPython "import xltools.excel.buttons as b; b.recalculate()"
End Sub

Public Sub CheckBook()
    RunPython "import xltools.excel.buttons as b; b.check_book()"
End Sub

Public Sub Consolidate()
    RunPython "import xltools.excel.buttons as b; b.consolidate()"
End Sub

Public Sub AddProject()
    RunPython "import xltools.excel.buttons as b; b.add_project()"
End Sub

Public Sub EvaluateDepartment()
    RunPython "import xltools.excel.buttons as b; b.evaluate_department()"
End Sub

' Brings the custom functions of xltools.excel.udfs (XT_RATE ...) into this
' workbook. Needs Excel's "Trust access to the VBA project object model".
Public Sub ImportFunctions()
    ImportPythonUDFs
End Sub
